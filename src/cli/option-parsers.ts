import { InvalidArgumentError } from "@commander-js/extra-typings";

function integerIn(min: number, max: number) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return value;
  };
}

/** `--limit`: the API's page size bounds (SPEC §4). */
export const parseLimit = integerIn(1, 100);

/** `--grace-seconds`: 0 to 30 days, as the API allows. */
export const parseGraceSeconds = integerIn(0, 30 * 86_400);
