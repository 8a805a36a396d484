import type { RosterEvent } from "../client/index.js";
import { formatTime } from "./output.js";

type Data = Readonly<Record<string, unknown>>;

function record(value: unknown): Data | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Data) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function userLabel(user: Data): string {
  return text(user.email) ?? text(user.username) ?? text(user.id) ?? "?";
}

/** What an event is about, in a few words: the user's address, the group's name, a token's last 4, … */
export function summarizeEvent(event: Pick<RosterEvent, "event" | "data">): string {
  const { data } = event;
  const user = record(data.user);
  const group = record(data.group);
  if (user && group)
    return `${userLabel(user)} ${event.event.endsWith("user_removed") ? "left" : "joined"} ${text(group.name) ?? text(group.id) ?? "?"}`;
  if (data.object === "directory_user") return `${userLabel(data)} (${text(data.state) ?? "?"})`;
  if (data.object === "directory_group") return text(data.name) ?? text(data.id) ?? "";
  if (data.object === "directory") return `${text(data.name) ?? text(data.id) ?? "?"} (${text(data.type) ?? "?"})`;
  if (typeof data.last4 === "string") return `token …${data.last4} of ${text(data.directory_id) ?? "?"}`;
  return text(data.directory_id) ?? text(data.id) ?? "";
}

/** One event on one line: `time  id  type  summary`, for `events list` and `events tail`. */
export function eventLine(event: RosterEvent): string {
  return [formatTime(event.created_at), event.id, event.event.padEnd(24), summarizeEvent(event)].join("  ").trimEnd();
}
