/** Shell-quotes one word when it needs it, so a printed command can be pasted back. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `roster users list --directory d_1 --state active`: a command with the options that are set,
 * to repeat in the "More results" hint with the same filters.
 */
export function commandLine(
  command: string,
  options: ReadonlyArray<readonly [flag: string, value: string | number | readonly string[] | undefined]>,
): string {
  const words = [command];
  for (const [flag, value] of options) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(",") : String(value);
    if (text !== "") words.push(flag, shellWord(text));
  }
  return words.join(" ");
}
