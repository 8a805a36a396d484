import { Type } from "typebox";

/** The answer of `POST /directories/{id}/connector/test`: one entry per check, in the order a run needs them. */
export const ConnectorTestSchema = Type.Object({
  ok: Type.Boolean({ description: "Whether every check passed" }),
  checks: Type.Array(
    Type.Object({
      name: Type.String({
        description: "The credential or permission checked, as the provider names it where it has a name",
      }),
      ok: Type.Boolean(),
      message: Type.String({
        description: "What was checked and, when it failed, what the provider answered; never a secret",
      }),
    }),
  ),
});
