#!/usr/bin/env node
// edgeroom-admin: a command line for the signed Wildfire admin API (SPEC §2).
//
//   ADMIN_URL=http://127.0.0.1:8787 ADMIN_SECRET=... edgeroom-admin chatroom create --title Lobby
//
// The commands are not listed here: they are read from the server's /openapi.json, one per admin
// route, with one flag per field of its request schema, so the CLI always matches the server it talks
// to. Signing and the derivation come from the typed client (src/client, bundled to public/client.js).
// Prints the JSON envelope. Exit status: 0 on code 0, 1 on a non-zero code or an HTTP/network error,
// 2 on a usage error.
import { parseArgs } from "node:util";
import { AdminClient, AdminHttpError, adminBody, adminCommands } from "../public/client.js";

const DEFAULT_URL = "http://127.0.0.1:8787";

class UsageError extends Error {}
class ServerError extends Error {}

/** Reads the server's admin commands from its OpenAPI document. */
async function loadCommands(baseUrl) {
  const url = `${baseUrl}/openapi.json`;
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ServerError(
      `could not reach ${baseUrl} to read its admin commands (${url}): ${error.cause?.message ?? error.message}. ` +
        "Is the server running? Set ADMIN_URL to its origin.",
    );
  }
  let document = null;
  try {
    document = await response.json();
  } catch {
    // Reported below.
  }
  const commands = response.ok ? adminCommands(document) : [];
  if (commands.length === 0) {
    throw new ServerError(
      `${url} answered HTTP ${response.status} without any admin routes: is ADMIN_URL an edgeroom server?`,
    );
  }
  const groups = new Map();
  for (const command of commands) {
    if (!groups.has(command.group)) groups.set(command.group, new Map());
    groups.get(command.group).set(command.name, command);
  }
  return groups;
}

// ── help ──────────────────────────────────────────────────────────────

const USAGE = [
  "Usage: edgeroom-admin <group> <command> [--flag value ...]",
  "       edgeroom-admin <group> <command> --help",
];

const ENVIRONMENT = [
  "Environment:",
  `  ADMIN_URL     server origin (default ${DEFAULT_URL}); its /openapi.json lists the commands`,
  "  ADMIN_SECRET  the server's ADMIN_SECRET (required for calls)",
  "",
  "Prints the JSON envelope {code, msg, result}. Exit status: 0 on code 0; 1 on a non-zero code or an",
  "HTTP or network error; 2 on a usage error.",
];

function toolHelp(groups) {
  const lines = ["edgeroom-admin: call the edgeroom admin API (Wildfire-compatible, signed).", "", ...USAGE, ""];
  lines.push("Commands:");
  for (const [group, commands] of groups) {
    for (const [name, command] of commands) lines.push(`  ${`${group} ${name}`.padEnd(30)}${command.summary}`);
  }
  return [...lines, "", ...ENVIRONMENT].join("\n");
}

function groupHelp(group, commands) {
  const lines = [`Usage: edgeroom-admin ${group} <command> [--flag value ...]`, "", "Commands:"];
  for (const [name, command] of commands) lines.push(`  ${name.padEnd(22)}${command.summary}`);
  lines.push("", `Run "edgeroom-admin ${group} <command> --help" for its flags.`);
  return lines.join("\n");
}

function commandHelp(command) {
  const lines = [
    `Usage: edgeroom-admin ${command.group} ${command.name} [flags]`,
    "",
    `${command.summary}. POST /admin${command.path}`,
    "",
    "Flags:",
  ];
  for (const flag of command.flags) {
    const left = `--${flag.name} <${flag.kind}>`;
    lines.push(`  ${left.padEnd(36)}${flag.description}${flag.required ? " (required)" : ""}`);
  }
  for (const { path, value } of command.fixed)
    lines.push(`  ${"".padEnd(36)}${path.join(".")} is always ${JSON.stringify(value)}`);
  lines.push(`  ${"--body <json>".padEnd(36)}extra body fields as a JSON object (flags win)`);
  lines.push(`  ${"-h, --help".padEnd(36)}show this help`);
  const required = command.flags.filter((flag) => flag.required).map((flag) => `--${flag.name} <${flag.kind}>`);
  lines.push("", "Example:", `  edgeroom-admin ${command.group} ${command.name} ${required.join(" ")}`.trimEnd());
  return lines.join("\n");
}

// ── parsing ───────────────────────────────────────────────────────────

/** Copies `extra` under `body`, keeping what `body` already has (flags win over --body). */
function mergeUnder(body, extra) {
  for (const [key, value] of Object.entries(extra)) {
    if (!Object.hasOwn(body, key)) body[key] = value;
    else if (isObject(body[key]) && isObject(value)) mergeUnder(body[key], value);
  }
  return body;
}

const isObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses argv against the server's commands into { help } or { command, body }. */
function parse(argv, groups) {
  const [group, name, ...rest] = argv;
  if (group === undefined) throw new UsageError(`which command?\n\n${toolHelp(groups)}`);
  if (group === "-h" || group === "--help" || group === "help") return { help: toolHelp(groups) };
  const commands = groups.get(group);
  if (!commands) throw new UsageError(`unknown command group "${group}"\n\n${toolHelp(groups)}`);
  if (name === undefined) throw new UsageError(`which ${group} command?\n\n${groupHelp(group, commands)}`);
  if (name === "-h" || name === "--help") return { help: groupHelp(group, commands) };
  const command = commands.get(name);
  if (!command) throw new UsageError(`unknown command "${group} ${name}"\n\n${groupHelp(group, commands)}`);
  const options = { help: { type: "boolean", short: "h" }, body: { type: "string" } };
  for (const flag of command.flags) options[flag.name] = { type: "string" };
  let values;
  try {
    values = parseArgs({ args: rest, options, allowPositionals: false, strict: true }).values;
  } catch (error) {
    throw new UsageError(`${error.message}\n\n${commandHelp(command)}`);
  }
  if (values.help) return { help: commandHelp(command) };
  const built = adminBody(command, values);
  if (!built.ok) throw new UsageError(`${built.message}\n\n${commandHelp(command)}`);
  let extra = {};
  if (values.body !== undefined) {
    try {
      extra = JSON.parse(values.body);
    } catch {
      throw new UsageError("--body must be a JSON object");
    }
    if (!isObject(extra)) throw new UsageError("--body must be a JSON object");
  }
  return { command, body: mergeUnder(built.body, extra) };
}

// ── main ──────────────────────────────────────────────────────────────

async function main(argv) {
  const baseUrl = (process.env.ADMIN_URL || DEFAULT_URL).replace(/\/+$/, "");
  let parsed;
  try {
    parsed = parse(argv, await loadCommands(baseUrl));
  } catch (error) {
    if (error instanceof ServerError) {
      if (argv.length === 0 || argv.includes("-h") || argv.includes("--help"))
        console.log([...USAGE, "", ...ENVIRONMENT].join("\n"));
      console.error(`edgeroom-admin: ${error.message}`);
      return 1;
    }
    if (error instanceof UsageError) {
      console.error(`edgeroom-admin: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (parsed.help) {
    console.log(parsed.help);
    return 0;
  }
  const secret = process.env.ADMIN_SECRET;
  if (!secret) {
    console.error("edgeroom-admin: set ADMIN_SECRET (the server's admin secret) in the environment");
    return 2;
  }
  const target = `${baseUrl}/admin${parsed.command.path}`;
  let envelope;
  try {
    envelope = await new AdminClient({ baseUrl, secret }).call(parsed.command.path, parsed.body);
  } catch (error) {
    if (error instanceof AdminHttpError) {
      console.error(`edgeroom-admin: HTTP ${error.status} from ${target}`);
      if (error.text) console.error(error.text.slice(0, 2000));
    } else console.error(`edgeroom-admin: could not reach ${baseUrl}: ${error.cause?.message ?? error.message}`);
    return 1;
  }
  console.log(JSON.stringify(envelope, null, 2));
  if (envelope.code !== 0) {
    console.error(`edgeroom-admin: code ${envelope.code}: ${envelope.msg}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
