/**
 * One spelling per DN, so a group's `member: CN=Ann,OU=People, DC=x` and the user entry
 * `cn=ann,ou=people,dc=x` are the same key (the user's idpId) without a lookup.
 *
 * Lower-cases, drops the spaces around `=`, `,` and `+` (RFC 4514 §2.4 makes them insignificant),
 * and writes every escape one way: `\2C` and `\,` both become `\,`, `\41` becomes `a`. Values
 * compare case-insensitively, as cn/uid/ou/dc do on every directory we target.
 */
export function normalizeDn(dn: string): string {
  // Most DNs need only lower-casing: no escapes, quotes or `;`, no space beside a separator.
  if (!NEEDS_PARSING.test(dn)) return dn.toLowerCase();
  const rdns: string[] = [];
  let rdn = "";
  // The pending type or value: each character with whether it was escaped (escaped spaces are kept).
  let chars: string[] = [];
  let escaped: boolean[] = [];
  const flush = () => {
    let start = 0;
    let end = chars.length;
    while (start < end && chars[start] === " " && !escaped[start]) start++;
    while (end > start && chars[end - 1] === " " && !escaped[end - 1]) end--;
    for (let k = start; k < end; k++) rdn += escapeChar(chars[k] as string, k === start, k === end - 1);
    chars = [];
    escaped = [];
  };
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i] as string;
    if (c === "\\" && i + 1 < dn.length) {
      let char = dn[i + 1] as string;
      i += 1;
      if (isHexPair(dn, i)) {
        // a multi-byte UTF-8 character is written as consecutive \XX escapes
        const bytes = [Number.parseInt(dn.slice(i, i + 2), 16)];
        i += 1;
        while (dn[i + 1] === "\\" && isHexPair(dn, i + 2)) {
          bytes.push(Number.parseInt(dn.slice(i + 2, i + 4), 16));
          i += 3;
        }
        char = Buffer.from(bytes).toString("utf8");
      }
      for (const ch of char.toLowerCase()) {
        chars.push(ch);
        escaped.push(true);
      }
    } else if (c === "=" || c === "+") {
      flush();
      rdn += c;
    } else if (c === "," || c === ";") {
      flush();
      rdns.push(rdn);
      rdn = "";
    } else {
      chars.push(c.toLowerCase());
      escaped.push(false);
    }
  }
  flush();
  rdns.push(rdn);
  return rdns.join(",");
}

const NEEDS_PARSING = /[\\";]|[ ][,=+]|[,=+][ ]|^ | $/;

function isHexPair(s: string, at: number): boolean {
  return /^[0-9a-fA-F]{2}$/.test(s.slice(at, at + 2));
}

// RFC 4514 §2.4: these are escaped anywhere; `#` only first, a space only first or last.
const SPECIAL = new Set([",", "+", '"', "\\", "<", ">", ";", "="]);

function escapeChar(char: string, first: boolean, last: boolean): string {
  if (SPECIAL.has(char)) return `\\${char}`;
  if (char === "#" && first) return "\\#";
  if (char === " " && (first || last)) return "\\ ";
  if (char === "\0") return "\\00";
  return char;
}
