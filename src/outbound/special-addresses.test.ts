import { describe, expect, it } from "vitest";
import { outboundPolicy } from "./outbound-policy.js";
import { specialAddressKind } from "./special-addresses.js";
import { urlHostRefusal } from "./url-host-check.js";

describe("which addresses are special", () => {
  const table: ReadonlyArray<readonly [string, string | null]> = [
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["[::1]", "loopback"],
    ["0.0.0.0", "unspecified"],
    ["0.1.2.3", "unspecified"],
    ["::", "unspecified"],
    ["10.0.0.5", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["::ffff:10.0.0.5", "private"],
    ["fc00::1", "private"],
    ["fd12:3456::1", "private"],
    ["169.254.169.254", "link-local"],
    ["::ffff:169.254.169.254", "link-local"],
    ["fe80::1", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["100.64.0.1", "shared (CGNAT)"],
    ["100.127.255.254", "shared (CGNAT)"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "reserved"],
    // IPv6 forms that lead to an IPv4 address are that address: IPv4-compatible, -translated (SIIT),
    // NAT64's well-known and local-use prefixes (RFC 6052, RFC 8215), 6to4.
    ["::127.0.0.1", "loopback"],
    ["::7f00:1", "loopback"],
    ["::10.0.0.5", "private"],
    ["::8.8.8.8", "reserved"],
    ["::ffff:0:127.0.0.1", "loopback"],
    ["::ffff:0:a9fe:a9fe", "link-local"],
    ["::ffff:0:8.8.8.8", null],
    ["64:ff9b::127.0.0.1", "loopback"],
    ["64:ff9b::7f00:1", "loopback"],
    ["64:ff9b::10.1.2.3", "private"],
    ["64:ff9b::c0a8:101", "private"],
    ["64:ff9b::169.254.169.254", "link-local"],
    ["[64:ff9b::100.64.0.1]", "shared (CGNAT)"],
    ["64:ff9b::8.8.8.8", null],
    ["64:ff9b:1::127.0.0.1", "loopback"],
    ["64:ff9b:1:a00:5::", "private"],
    ["64:ff9b:1:ff0a:0:5::", "private"],
    ["64:ff9b:1:ff:a:0:500:0", "private"],
    ["64:ff9b:1::8.8.8.8", null],
    ["2002:7f00:1::1", "loopback"],
    ["2002:a9fe:a9fe::1", "link-local"],
    ["2002:808:808::1", null],
    ["8.8.8.8", null],
    ["172.32.0.1", null],
    ["100.128.0.1", null],
    ["169.255.0.1", null],
    ["2606:4700::1111", null],
    ["::ffff:8.8.8.8", null],
    ["example.com", null],
  ];

  for (const [address, kind] of table) {
    it(`classifies ${address} as ${kind ?? "public"}`, () => {
      expect(specialAddressKind(address)).toBe(kind);
    });
  }
});

describe("a URL naming a special address as written", () => {
  const deny = outboundPolicy("admin", false, "endpoint");
  // The URL parser normalizes these forms to 127.0.0.1 (or ::ffff:7f00:1) before anything connects.
  const loopbackForms = [
    "http://127.0.0.1/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0x7f.1/",
    "http://017700000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://localhost:8080/",
    "http://api.localhost/",
    "http://[64:ff9b::127.0.0.1]/",
    "http://[64:ff9b:1::7f00:1]/",
    "http://[::127.0.0.1]/",
    "http://[::ffff:0:7f00:1]/",
  ];

  for (const url of loopbackForms) {
    it(`refuses ${url} as loopback`, () => {
      expect(urlHostRefusal(url, deny)?.kind).toBe("loopback");
    });
  }

  it("refuses the cloud metadata address in its decimal form", () => {
    expect(urlHostRefusal("http://2852039166/latest/meta-data/", deny)?.message).toBe(
      "refused: 169.254.169.254 is a link-local address; only an endpoint the admin key created or flagged private_network may reach it (ROSTER_OUTBOUND_PRIVATE=admin), or every one with ROSTER_OUTBOUND_PRIVATE=all",
    );
  });

  it("refuses 0.0.0.0 and http://0/, which reach the local host", () => {
    expect(urlHostRefusal("http://0.0.0.0:9000/", deny)?.kind).toBe("unspecified");
    expect(urlHostRefusal("http://0/", deny)?.kind).toBe("unspecified");
  });

  it("names a private address in the refusal's words", () => {
    expect(urlHostRefusal("ldap://10.0.0.5:389", outboundPolicy("admin", false, "directory"))?.message).toBe(
      "refused: 10.0.0.5 is a private address; only a directory the admin key created or flagged private_network may reach it (ROSTER_OUTBOUND_PRIVATE=admin), or every one with ROSTER_OUTBOUND_PRIVATE=all",
    );
  });

  it("leaves public addresses and names to the connect-time check", () => {
    expect(urlHostRefusal("https://8.8.8.8/", deny)).toBeNull();
    expect(urlHostRefusal("https://example.com/", deny)).toBeNull();
  });

  it("allows everything under ROSTER_OUTBOUND_PRIVATE=all or an admin's private_network", () => {
    expect(urlHostRefusal("http://10.0.0.5/", outboundPolicy("all", false, "endpoint"))).toBeNull();
    expect(urlHostRefusal("http://10.0.0.5/", outboundPolicy("admin", true, "endpoint"))).toBeNull();
  });

  it("refuses every row under ROSTER_OUTBOUND_PRIVATE=none, the admin's flagged ones included", () => {
    expect(urlHostRefusal("http://10.0.0.5/", outboundPolicy("none", true, "endpoint"))?.message).toMatch(
      /^refused: 10\.0\.0\.5 is a private address/,
    );
    expect(urlHostRefusal("https://hooks.example.com/", outboundPolicy("none", true, "endpoint"))).toBeNull();
  });
});
