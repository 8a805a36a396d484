import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readConnectorOption } from "./connector-option.js";

describe("readConnectorOption", () => {
  it("reads the object from stdin when --connector-file is -", async () => {
    const stdin = Readable.from(['{"bind_dn": "cn=roster", ', '"password": "s3cret"}\n']);
    expect(await readConnectorOption({ connectorFile: "-" }, stdin)).toEqual({
      bind_dn: "cn=roster",
      password: "s3cret",
    });
  });

  it("names stdin, and never the text, when what it reads is not an object", async () => {
    await expect(readConnectorOption({ connectorFile: "-" }, Readable.from(["s3cret"]))).rejects.toThrow(
      /^the connector JSON on stdin is not valid JSON$/,
    );
    await expect(readConnectorOption({ connectorFile: "-" }, Readable.from([""]))).rejects.toThrow(
      "the connector JSON on stdin is empty: expected a JSON object",
    );
    await expect(readConnectorOption({ connectorFile: "-" }, Readable.from(['"s3cret"']))).rejects.toThrow(
      "the connector JSON on stdin must be a JSON object ({…}), got a string",
    );
  });

  it("gives undefined when neither option is set, so an update can tell there is nothing to send", async () => {
    expect(await readConnectorOption({})).toBeUndefined();
  });
});
