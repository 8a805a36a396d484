export { CSV_FIELDS, type CsvConfig, type CsvField, checkCsvConfig } from "./csv-config.js";
export { csvKind } from "./csv-kind.js";
export { createCsvSource, type CsvSourceOptions } from "./csv-source.js";
