import { type Static, Type } from "typebox";
import { Ajv, type ValidateFunction } from "ajv";
import { FilterParser } from "ldapts";
import type { FieldError } from "../../core/errors.js";

/** How a boolean-ish attribute says a user is active; `account_control` is AD's userAccountControl (bit 2 = disabled). */
export type ActiveFormat = "boolean" | "inverted_boolean" | "account_control";

const AttributeName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: "^[A-Za-z][A-Za-z0-9-]*(;[A-Za-z0-9-]+)*$",
});

/** The `connector` object of an `ldap` directory, as the API accepts it. */
export const LdapConnectorSchema = Type.Object(
  {
    url: Type.String({ minLength: 1, description: "ldap://host[:port] or ldaps://host[:port]" }),
    bind_dn: Type.String({ minLength: 1 }),
    password: Type.String({ minLength: 1, description: "Encrypted at rest, never returned" }),
    base_dn: Type.String({ minLength: 1 }),
    user_filter: Type.Optional(Type.String({ minLength: 1 })),
    group_filter: Type.Optional(Type.String({ minLength: 1 })),
    attributes: Type.Optional(
      Type.Object(
        {
          username: Type.Optional(
            Type.Union([AttributeName, Type.Array(AttributeName, { minItems: 1, maxItems: 10 })]),
          ),
          email: Type.Optional(AttributeName),
          first_name: Type.Optional(AttributeName),
          last_name: Type.Optional(AttributeName),
          job_title: Type.Optional(AttributeName),
          group_name: Type.Optional(AttributeName),
          active: Type.Optional(
            Type.Union([
              AttributeName,
              Type.Object(
                {
                  attribute: AttributeName,
                  format: Type.Union([
                    Type.Literal("boolean"),
                    Type.Literal("inverted_boolean"),
                    Type.Literal("account_control"),
                  ]),
                },
                { additionalProperties: false },
              ),
            ]),
          ),
          extra: Type.Optional(
            Type.Array(AttributeName, { maxItems: 100, description: "More attributes copied to raw_attributes" }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    tls: Type.Optional(
      Type.Object(
        {
          starttls: Type.Optional(Type.Boolean()),
          ca: Type.Optional(Type.String({ minLength: 1, description: "PEM certificate(s) to trust" })),
          reject_unauthorized: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ),
    page_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  },
  { additionalProperties: false },
);

export type LdapConnectorInput = Static<typeof LdapConnectorSchema>;

/** The connector object with every default applied: what the LDAP source runs on. */
export interface LdapConfig {
  readonly url: string;
  readonly bindDn: string;
  readonly password: string;
  readonly baseDn: string;
  readonly userFilter: string;
  readonly groupFilter: string;
  readonly attributes: LdapAttributeMap;
  readonly tls: { readonly starttls: boolean; readonly ca: string | null; readonly rejectUnauthorized: boolean };
  readonly pageSize: number;
  readonly timeoutMs: number;
}

export interface LdapAttributeMap {
  /** Tried in order: the first one an entry has is its username. */
  readonly username: readonly string[];
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly jobTitle: string;
  readonly groupName: string;
  /** Absent: every user the filter returns is active. */
  readonly active: { readonly attribute: string; readonly format: ActiveFormat } | null;
  readonly extra: readonly string[];
}

export type ParsedLdapConfig =
  | { readonly ok: true; readonly value: LdapConfig }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

export const DEFAULT_USER_FILTER = "(|(objectClass=inetOrgPerson)(&(objectClass=user)(objectCategory=person)))";
export const DEFAULT_GROUP_FILTER =
  "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup)(objectClass=group))";
export const DEFAULT_USERNAME_ATTRIBUTES: readonly string[] = ["uid", "sAMAccountName", "cn"];
export const DEFAULT_EXTRA_ATTRIBUTES: readonly string[] = [
  "cn",
  "displayName",
  "employeeNumber",
  "telephoneNumber",
  "departmentNumber",
  "manager",
];
// 200: measured against slapd at 100,000 users, 500 raised peak RSS by some 60 MB for no speed.
export const DEFAULT_PAGE_SIZE = 200;
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The connector keys this type defines; the engine's own keys (schedule…) sit beside them. */
export const LDAP_CONNECTOR_KEYS: readonly string[] = Object.keys(LdapConnectorSchema.properties);

/** Only the keys of `LDAP_CONNECTOR_KEYS`, for a stored connector object that also carries the engine's. */
export function ldapKeysOf(connector: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(connector).filter(([key]) => LDAP_CONNECTOR_KEYS.includes(key)));
}

/**
 * Validates a `connector` object of type `ldap` and applies the defaults. Field errors name the
 * path under `connector` (`connector.tls.ca`), in the API's `{field, code, message}` shape.
 */
export function parseLdapConfig(input: unknown): ParsedLdapConfig {
  checkShape ??= new Ajv({ allErrors: true, strict: false }).compile<LdapConnectorInput>(LdapConnectorSchema);
  if (!checkShape(input)) {
    const errors = (checkShape.errors ?? []).map((e) => ({
      field: fieldOf(e.instancePath, e.params),
      code: e.keyword,
      message: e.message ?? e.keyword,
    }));
    return { ok: false, errors };
  }
  const errors = semanticErrors(input);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: withDefaults(input) };
}

// Ajv rather than TypeBox's own checker: its value module is some 300 more modules to load at every start.
let checkShape: ValidateFunction<LdapConnectorInput> | undefined;

function fieldOf(instancePath: string, params: unknown): string {
  const extra = (params as { additionalProperty?: unknown }).additionalProperty;
  const path = instancePath.split("/").filter(Boolean);
  if (typeof extra === "string") path.push(extra);
  return ["connector", ...path].join(".");
}

function semanticErrors(input: LdapConnectorInput): FieldError[] {
  const errors: FieldError[] = [];
  let protocol: string | null = null;
  try {
    const url = new URL(input.url);
    protocol = url.protocol;
    if (protocol !== "ldap:" && protocol !== "ldaps:")
      errors.push({ field: "connector.url", code: "scheme", message: "must be an ldap:// or ldaps:// URL" });
    else if (url.hostname === "") errors.push({ field: "connector.url", code: "host", message: "must name a host" });
  } catch {
    errors.push({ field: "connector.url", code: "format", message: "must be an ldap:// or ldaps:// URL" });
  }
  if (protocol === "ldaps:" && input.tls?.starttls === true) {
    errors.push({
      field: "connector.tls.starttls",
      code: "conflict",
      message: "ldaps:// is already TLS; StartTLS applies to ldap:// URLs",
    });
  }
  for (const field of ["user_filter", "group_filter"] as const) {
    const filter = input[field];
    if (filter === undefined) continue;
    try {
      // ldapts forgives a missing `)`; a server would not, so count them (values escape parens as \28 \29)
      if (!parensBalance(filter)) throw new Error("unbalanced parentheses");
      FilterParser.parseString(filter);
    } catch (cause) {
      errors.push({
        field: `connector.${field}`,
        code: "filter",
        message: `not an LDAP filter (RFC 4515): ${(cause as Error).message}`,
      });
    }
  }
  if (input.tls?.ca !== undefined && !input.tls.ca.includes("-----BEGIN CERTIFICATE-----")) {
    errors.push({ field: "connector.tls.ca", code: "format", message: "must be one or more PEM certificates" });
  }
  return errors;
}

function parensBalance(filter: string): boolean {
  let depth = 0;
  for (const c of filter) {
    if (c === "(") depth++;
    else if (c === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

function activeMapping(value: NonNullable<LdapConnectorInput["attributes"]>["active"]): LdapAttributeMap["active"] {
  if (value === undefined) return null;
  if (typeof value !== "string") return { attribute: value.attribute, format: value.format };
  return { attribute: value, format: value.toLowerCase() === "useraccountcontrol" ? "account_control" : "boolean" };
}

function withDefaults(input: LdapConnectorInput): LdapConfig {
  const a = input.attributes ?? {};
  const username =
    a.username === undefined ? DEFAULT_USERNAME_ATTRIBUTES : typeof a.username === "string" ? [a.username] : a.username;
  return Object.freeze({
    url: input.url,
    bindDn: input.bind_dn,
    password: input.password,
    baseDn: input.base_dn,
    userFilter: input.user_filter ?? DEFAULT_USER_FILTER,
    groupFilter: input.group_filter ?? DEFAULT_GROUP_FILTER,
    attributes: Object.freeze({
      username: Object.freeze([...username]),
      email: a.email ?? "mail",
      firstName: a.first_name ?? "givenName",
      lastName: a.last_name ?? "sn",
      jobTitle: a.job_title ?? "title",
      groupName: a.group_name ?? "cn",
      active: activeMapping(a.active),
      extra: Object.freeze([...(a.extra ?? DEFAULT_EXTRA_ATTRIBUTES)]),
    }),
    tls: Object.freeze({
      starttls: input.tls?.starttls ?? false,
      ca: input.tls?.ca ?? null,
      rejectUnauthorized: input.tls?.reject_unauthorized ?? true,
    }),
    pageSize: input.page_size ?? DEFAULT_PAGE_SIZE,
    timeoutMs: input.timeout_ms ?? DEFAULT_TIMEOUT_MS,
  });
}
