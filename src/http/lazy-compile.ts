import { type SerializerFactory, SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifySchemaCompiler } from "fastify";

/**
 * A compiled function built on its first call rather than when the route is registered. Fastify compiles
 * every route's validators and response serializers before it listens: some 300 schemas, a fifth of a
 * second of start-up spent on routes most processes never serve. Built on first use, each costs a
 * millisecond or two once, on the first request that needs it.
 */
function onFirstCall<A extends unknown[], R>(build: () => (...args: A) => R): (...args: A) => R {
  let compiled: ((...args: A) => R) | undefined;
  return (...args) => {
    compiled ??= build();
    return compiled(...args);
  };
}

/** Fastify's own response serializer (fast-json-stringify), compiled per route and status on first use. */
export function lazySerializerFactory(): SerializerFactory {
  const selector = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = selector(externalSchemas, options);
    return (route) => onFirstCall(() => compile(route));
  };
}

/** A validator compiler whose per-route validators are compiled on first use. */
export function lazyValidatorCompiler<T>(compiler: FastifySchemaCompiler<T>): FastifySchemaCompiler<T> {
  return (route) =>
    onFirstCall(() => compiler(route) as (data: unknown) => unknown) as ReturnType<FastifySchemaCompiler<T>>;
}
