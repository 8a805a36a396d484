import { Ajv, type Options } from "ajv";
import type { FastifySchemaCompiler } from "fastify";

const shared: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false };

// Query strings and path params arrive as text: coerce them ("10" → 10, "a" → ["a"]).
const coercing = new Ajv({ ...shared, coerceTypes: "array" });
// Bodies are JSON: a string where a number belongs is the client's mistake, answered with 422.
const strict = new Ajv({ ...shared, coerceTypes: false });

/** Fastify's validator, with strict bodies and no silently dropped unknown fields. */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const isBody = httpPart === "body";
  const validate = (isBody ? strict : coercing).compile(schema);
  return (input: unknown) => {
    // A POST with no body at all means "no options" wherever every body field is optional.
    const data = isBody && (input === undefined || input === null) ? {} : input;
    return validate(data)
      ? { value: data }
      : { error: Object.assign(new Error("validation failed"), { validation: validate.errors ?? [] }) };
  };
};
