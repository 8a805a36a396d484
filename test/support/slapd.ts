import { type ChildProcess, execFile, spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { Client } from "ldapts";
import {
  type DirectoryShape,
  generateDirectoryLdif,
  LDIF_BASE_DN,
  LIMITED_DN,
  LIMITED_PASSWORD,
  READER_DN,
  READER_PASSWORD,
} from "./directory-ldif.js";

const run = promisify(execFile);

export const ADMIN_DN = `cn=admin,${LDIF_BASE_DN}`;
export const ADMIN_PASSWORD = "admin-secret";

// Debian installs slapd in /usr/sbin, which a non-root PATH often lacks.
const EXTRA_BIN_DIRS = ["/usr/sbin", "/usr/local/sbin", "/usr/local/libexec", "/usr/libexec"];
const MODULE_DIRS = ["/usr/lib/ldap", "/usr/lib64/openldap", "/usr/lib/openldap", "/usr/local/libexec/openldap"];
const SCHEMA_DIRS = ["/etc/ldap/schema", "/etc/openldap/schema", "/usr/local/etc/openldap/schema"];
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export interface StartSlapdOptions {
  /** Bulk-loaded with slapadd before slapd starts; omit for just the base entries and `cn=reader`. */
  readonly directory?: DirectoryShape;
  /** More entries for the same slapadd (see `ldifEntry`), so they carry the bulk timestamps too. */
  readonly entries?: readonly string[];
  /** Also serve ldaps:// and StartTLS with a fresh self-signed certificate for 127.0.0.1. */
  readonly tls?: boolean;
}

export interface SlapdServer {
  readonly url: string;
  /** slapd's process id (benchmarks read its CPU time from /proc). */
  readonly pid: number;
  /** Set when started with `tls`. */
  readonly ldapsUrl: string | null;
  /** The self-signed certificate (PEM) to trust, when started with `tls`. */
  readonly caPem: string | null;
  readonly baseDn: string;
  readonly adminDn: string;
  readonly adminPassword: string;
  /** A non-root account with read access and no size limit, as a real sync account would be. */
  readonly readerDn: string;
  readonly readerPassword: string;
  /** An account limited to 100 entries per unpaged search (no cn=Monitor access either). */
  readonly limitedDn: string;
  readonly limitedPassword: string;
  /** A client bound as the root DN for a test to add, modify and delete entries; the caller unbinds it. */
  admin(): Promise<Client>;
  stop(): Promise<void>;
}

/** Finds an OpenLDAP tool on PATH or in the sbin directories Debian and others use. */
export function findLdapTool(name: string): string {
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...EXTRA_BIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new Error(
    `${name} not found (PATH and ${EXTRA_BIN_DIRS.join(", ")}): install slapd and ldap-utils (see .ci/run)`,
  );
}

function firstExisting(dirs: readonly string[], probe: string, what: string): string {
  for (const dir of dirs) {
    try {
      accessSync(join(dir, probe));
      return dir;
    } catch {}
  }
  throw new Error(`OpenLDAP ${what} not found in ${dirs.join(", ")}`);
}

export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function slapdConf(dir: string, tls: boolean): string {
  const schemas = firstExisting(SCHEMA_DIRS, "core.schema", "schema directory");
  const modules = firstExisting(MODULE_DIRS, "back_mdb.la", "module directory");
  const lines = [
    ...["core", "cosine", "inetorgperson", "nis"].map((s) => `include ${join(schemas, `${s}.schema`)}`),
    `modulepath ${modules}`,
    "moduleload back_mdb",
    "moduleload back_monitor",
    `pidfile ${join(dir, "slapd.pid")}`,
    `argsfile ${join(dir, "slapd.args")}`,
    ...(tls ? [`TLSCertificateFile ${join(dir, "cert.pem")}`, `TLSCertificateKeyFile ${join(dir, "key.pem")}`] : []),
    "database mdb",
    "maxsize 2147483648",
    `suffix "${LDIF_BASE_DN}"`,
    `rootdn "cn=admin,${LDIF_BASE_DN}"`,
    `rootpw ${ADMIN_PASSWORD}`,
    `directory ${join(dir, "data")}`,
    "index objectClass eq",
    "index uid,cn,mail,memberUid,member,uniqueMember eq",
    "index modifyTimestamp eq",
    // The reader pages through 100k entries like a real sync account: no size or time limit.
    `limits dn.exact="${READER_DN}" size=unlimited time=unlimited`,
    `limits dn.exact="${LIMITED_DN}" size=100 size.prtotal=unlimited`,
    `access to attrs=userPassword by anonymous auth by * none`,
    `access to * by dn.exact="${READER_DN}" read by dn.exact="${LIMITED_DN}" read by * none`,
    // cn=Monitor gives the server's clock (the watermark) to the accounts allowed to read it.
    "database monitor",
    `access to * by dn.exact="${READER_DN}" read by dn.exact="cn=admin,${LDIF_BASE_DN}" read by * none`,
  ];
  return `${lines.join("\n")}\n`;
}

async function selfSignedCertificate(dir: string): Promise<string> {
  await run(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { timeout: 15_000 },
  );
  return readFileSync(join(dir, "cert.pem"), "utf8");
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`slapd exited (${child.exitCode ?? child.signalCode}): ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.once("connect", () => done(true)).once("error", () => done(false));
      socket.setTimeout(500, () => done(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`slapd did not listen on ${port} within ${START_TIMEOUT_MS} ms: ${output()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * A private slapd on loopback: config and mdb data in a temp dir, the directory bulk-loaded with
 * slapadd before start, slapd in the foreground as our child so `stop()` (or this process exiting)
 * ends it. Nothing is left behind.
 */
export async function startSlapd(options: StartSlapdOptions = {}): Promise<SlapdServer> {
  const dir = mkdtempSync(join(tmpdir(), "roster-slapd-"));
  mkdirSync(join(dir, "data"));
  let child: ChildProcess | undefined;
  // A test process that exits without stop() (a crash, process.exit) still leaves nothing behind.
  const killOnExit = () => {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const tls = options.tls === true;
    const caPem = tls ? await selfSignedCertificate(dir) : null;
    const conf = join(dir, "slapd.conf");
    writeFileSync(conf, slapdConf(dir, tls));
    const ldif = join(dir, "directory.ldif");
    await generateDirectoryLdif(
      ldif,
      options.directory ?? { users: 0, groups: 0, membersPerGroup: 0 },
      options.entries,
    );
    // -q skips consistency checks: the generated LDIF is known good and this is much faster.
    await run(findLdapTool("slapadd"), ["-q", "-f", conf, "-l", ldif], {
      timeout: 300_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    rmSync(ldif);

    const port = await freeLoopbackPort();
    const tlsPort = tls ? await freeLoopbackPort() : null;
    const urls = [`ldap://127.0.0.1:${port}/`, ...(tlsPort === null ? [] : [`ldaps://127.0.0.1:${tlsPort}/`])];
    let output = "";
    child = spawn(findLdapTool("slapd"), ["-f", conf, "-h", urls.join(" "), "-d", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-4000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    process.once("exit", killOnExit);
    await waitForPort(port, child, () => output);
    if (tlsPort !== null) await waitForPort(tlsPort, child, () => output);

    const running = child;
    return Object.freeze({
      url: `ldap://127.0.0.1:${port}`,
      pid: running.pid ?? -1,
      ldapsUrl: tlsPort === null ? null : `ldaps://127.0.0.1:${tlsPort}`,
      caPem,
      baseDn: LDIF_BASE_DN,
      adminDn: ADMIN_DN,
      adminPassword: ADMIN_PASSWORD,
      readerDn: READER_DN,
      readerPassword: READER_PASSWORD,
      limitedDn: LIMITED_DN,
      limitedPassword: LIMITED_PASSWORD,
      async admin() {
        const client = new Client({ url: `ldap://127.0.0.1:${port}`, timeout: 10_000, connectTimeout: 5_000 });
        await client.bind(ADMIN_DN, ADMIN_PASSWORD);
        return client;
      },
      async stop() {
        await stopChild(running);
        process.removeListener("exit", killOnExit);
        rmSync(dir, { recursive: true, force: true });
      },
    });
  } catch (error) {
    if (child !== undefined) await stopChild(child);
    process.removeListener("exit", killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** The SPEC §6 `connector` object for this server, bound as the reader unless overridden. */
export function slapdConnector(server: SlapdServer, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    url: server.url,
    bind_dn: server.readerDn,
    password: server.readerPassword,
    base_dn: server.baseDn,
    timeout_ms: 10_000,
    ...overrides,
  };
}
