import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { DatabaseConfig } from "../config.js";
import { AppError } from "../core/errors.js";
import { databasePlacement } from "../storage/placement.js";
import { createSecretBox, type SecretBox } from "./secret-box.js";

export const SECRET_KEY_FILE = "secret.key";

export interface SecretKeyOptions {
  /** ROSTER_SECRET_KEY, when set. */
  readonly secretKey: string | undefined;
  /** ROSTER_SECRET_KEY_PREVIOUS: keys that still open what they sealed, during a rotation. */
  readonly previousSecretKeys?: readonly string[];
  readonly database: DatabaseConfig;
  readonly warn: (message: string) => void;
}

/** The box for sealing and opening stored secrets, resolved on first need. */
export interface SecretKeyring {
  box(): SecretBox;
}

export function secretKeyRequired(): AppError {
  return new AppError(
    409,
    "secret_key_required",
    "Set ROSTER_SECRET_KEY (e.g. `openssl rand -base64 32`) on every Roster process: on PostgreSQL, secrets are sealed only under a key kept outside the database",
  );
}

function readKeyFile(path: string, warn: (message: string) => void): string {
  const mode = statSync(path).mode;
  if ((mode & 0o077) !== 0)
    warn(`${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it`);
  return readFileSync(path, "utf8").trim();
}

/** Reads the key file, or creates it (0600) if absent; `wx` makes two processes agree on one key. */
function keyFromFile(path: string, warn: (message: string) => void): string {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    warn(
      `ROSTER_SECRET_KEY is not set: generated ${path} to seal webhook secrets. Back it up with the database, or set ROSTER_SECRET_KEY to its content.`,
    );
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return readKeyFile(path, warn);
}

/**
 * Where the key comes from: ROSTER_SECRET_KEY; else, for SQLite, a random key file beside the
 * database (a key stored *in* the database would protect nothing); an in-memory database gets
 * a key that dies with it. PostgreSQL without ROSTER_SECRET_KEY refuses: its processes share no disk.
 */
export function createSecretKeyring(options: SecretKeyOptions): SecretKeyring {
  let box: SecretBox | null = null;
  function material(): string {
    if (options.secretKey) return options.secretKey;
    const placement = databasePlacement(options.database);
    if (placement.on === "server") throw secretKeyRequired();
    if (placement.on === "memory") return randomBytes(32).toString("base64");
    return keyFromFile(join(dirname(placement.file), SECRET_KEY_FILE), options.warn);
  }
  return {
    box() {
      box ??= createSecretBox(material(), options.previousSecretKeys ?? []);
      return box;
    },
  };
}
