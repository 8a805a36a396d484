import type { FieldError } from "../../core/errors.js";
import { type ConnectorSource, SourceError } from "../source.js";
import { checkCsvConfig } from "./csv-config.js";
import { createCsvSource } from "./csv-source.js";

/** The `csv` directory type for the connector registry (a `ConnectorKind`): no secrets; a directory may live on uploads alone. */
export const csvKind = Object.freeze({
  secretKeys: [] as string[],
  settingsOptional: true,
  validate(config: Readonly<Record<string, unknown>>): FieldError[] {
    const checked = checkCsvConfig(config);
    return checked.ok ? [] : [...checked.errors];
  },
  open(config: Readonly<Record<string, unknown>>, options: { readonly upload?: string | undefined }): ConnectorSource {
    const checked = checkCsvConfig(config);
    if (!checked.ok)
      throw new SourceError("misconfigured", checked.errors.map((e) => `${e.field} ${e.message}`).join("; "));
    const { path, mapping } = checked.value;
    // An upload is this run's rows; the configured file is read only when nothing was uploaded.
    if (options.upload !== undefined) return createCsvSource({ text: options.upload, mapping });
    if (path === undefined)
      throw new SourceError(
        "misconfigured",
        "This CSV directory has no path: upload rows with POST /directories/{id}/csv",
      );
    return createCsvSource({ path, mapping });
  },
});
