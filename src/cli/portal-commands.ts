import type { Command } from "@commander-js/extra-typings";
import { connect, withConnection } from "./connection.js";
import { emit, printLine } from "./output.js";

/** `roster portal link --org <id>`: a setup link for the organization's IT admin. */
export function registerPortalCommands(program: Command): void {
  const portal = program.command("portal").description("Setup links for a customer's IT admin (Admin Portal)");
  withConnection(
    portal
      .command("link")
      .description(
        "Make a single-use setup link (valid 5 minutes until opened) for the organization's IT admin to set up a directory",
      )
      .requiredOption("--org <id>", "the organization (org_…)")
      .option("--return-url <url>", "where the portal's “Back to the application” link goes")
      .option("--success-url <url>", "where the portal sends the IT admin once the directory is linked"),
  ).action(async (options) => {
    const { link } = await connect(options).portal.generateLink({
      organization: options.org,
      intent: "dsync",
      ...(options.returnUrl ? { return_url: options.returnUrl } : {}),
      ...(options.successUrl ? { success_url: options.successUrl } : {}),
    });
    emit(options, { link }, () => {
      printLine(`Setup link for ${options.org}:`);
      printLine();
      printLine(`  ${link}`);
      printLine();
      printLine("Send it to the organization's IT admin now: it opens once, within 5 minutes, and is not shown again.");
    });
  });
}
