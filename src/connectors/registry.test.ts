import { describe, expect, it } from "vitest";
import { buildCli } from "../cli/index.js";
import { CONNECTED_PULL_TYPES } from "../directory/directory-types.js";
import { defaultConnectorKinds } from "./registry.js";

describe("the pull connectors this build offers", () => {
  it("are exactly the pull types said to be connected", () => {
    expect(Object.keys(defaultConnectorKinds()).sort()).toEqual([...CONNECTED_PULL_TYPES].sort());
  });

  it("are the only pull types `roster directory create --type` offers", () => {
    const create = buildCli()
      .commands.find((c) => c.name() === "directory")
      ?.commands.find((c) => c.name() === "create");
    const choices = create?.options.find((o) => o.long === "--type")?.argChoices ?? [];
    expect(choices).toContain("csv");
    expect(choices).toContain("okta scim v2.0");
    expect(choices).toContain("google workspace");
  });
});
