#!/usr/bin/env node
// edgeroom-admin: a command line for the signed Wildfire admin API (SPEC §2). Plain Node, no dependencies.
//
//   ADMIN_URL=http://127.0.0.1:8787 ADMIN_SECRET=... edgeroom-admin chatroom create --title Lobby
//
// Prints the JSON envelope. Exit status: 0 on code 0, 1 on a non-zero code or an HTTP/network error,
// 2 on a usage error.
import { createHash, randomUUID } from "node:crypto";
import { parseArgs } from "node:util";

const DEFAULT_URL = "http://127.0.0.1:8787";

/** A string flag. */
const str = (description, { required = false } = {}) => ({ kind: "string", description, required });
/** A number flag (parsed as a JSON number). */
const num = (description, { required = false } = {}) => ({ kind: "number", description, required });

const CHATROOM_ID = str("chatroom id", { required: true });

/**
 * Every admin route. Flags are the body fields in kebab-case (chatroomId → --chatroom-id); `body` builds
 * the request from the parsed flags when it is not a flat copy.
 */
const COMMANDS = {
  chatroom: {
    create: {
      path: "/chatroom/create",
      summary: "Create a chatroom, or update an existing one (non-empty fields are merged)",
      flags: {
        chatroomId: str("chatroom id; generated when absent"),
        title: str("title (1-100 characters)", { required: true }),
        desc: str("description"),
        portrait: str("portrait image URL"),
        extra: str("extra data (free text)"),
        state: num("0 normal, 1 not started, 2 ended"),
      },
      example: "chatroom create --title Lobby --desc 'Say hi'",
    },
    info: {
      path: "/chatroom/info",
      summary: "Show a chatroom: title, state, member count, times",
      flags: { chatroomId: CHATROOM_ID },
      example: "chatroom info --chatroom-id lobby",
    },
    del: {
      path: "/chatroom/del",
      summary: "End a chatroom (state 2): closes every socket and removes it from members' lists",
      flags: { chatroomId: CHATROOM_ID },
      example: "chatroom del --chatroom-id lobby",
    },
    "set-black-status": {
      path: "/chatroom/set_black_status",
      summary: "Mute (1), ban / no entry (2) or lift (0) a user",
      flags: {
        chatroomId: CHATROOM_ID,
        userId: str("user id", { required: true }),
        status: num("0 lift, 1 mute, 2 no entry (kicks now)", { required: true }),
        expiredTime: num("when it ends, epoch ms; 0 or absent = forever"),
      },
      example: "chatroom set-black-status --chatroom-id lobby --user-id bob --status 1 --expired-time 1893456000000",
    },
    "get-black-status": {
      path: "/chatroom/get_black_status",
      summary: "List active mutes and bans",
      flags: { chatroomId: CHATROOM_ID },
      example: "chatroom get-black-status --chatroom-id lobby",
    },
    "set-manager": {
      path: "/chatroom/set_manager",
      summary: "Appoint (1) or remove (0) a manager",
      flags: {
        chatroomId: CHATROOM_ID,
        userId: str("user id", { required: true }),
        status: num("1 appoint, 0 remove", { required: true }),
      },
      example: "chatroom set-manager --chatroom-id lobby --user-id carol --status 1",
    },
    "get-manager-list": {
      path: "/chatroom/get_manager_list",
      summary: "List the managers",
      flags: { chatroomId: CHATROOM_ID },
      example: "chatroom get-manager-list --chatroom-id lobby",
    },
    "mute-all": {
      path: "/chatroom/mute_all",
      summary: "Turn mute-all on (1) or off (0); host and managers may still speak",
      flags: { chatroomId: CHATROOM_ID, status: num("1 on, 0 off", { required: true }) },
      example: "chatroom mute-all --chatroom-id lobby --status 1",
    },
    members: {
      path: "/chatroom/members",
      summary: "List members in join order, optionally paged",
      flags: { chatroomId: CHATROOM_ID, offset: num("skip this many"), limit: num("at most this many") },
      example: "chatroom members --chatroom-id lobby --offset 0 --limit 100",
    },
  },
  user: {
    create: {
      path: "/user/create",
      summary: "Create or update a user profile",
      flags: {
        userId: str("user id; generated when absent"),
        name: str("login name"),
        displayName: str("display name", { required: true }),
        portrait: str("portrait image URL"),
      },
      example: "user create --user-id bob --display-name 'Bob B.'",
    },
    "get-token": {
      path: "/user/get_token",
      summary: "Mint a client access token for a user",
      flags: {
        userId: str("user id", { required: true }),
        ttlSeconds: num("lifetime in seconds (default 7 days)"),
      },
      example: "user get-token --user-id bob --ttl-seconds 3600",
    },
  },
  message: {
    send: {
      path: "/message/send",
      summary: "Send a chat message into a chatroom as a member",
      flags: {
        sender: str("sending user id (a member of the room)", { required: true }),
        chatroomId: str("target chatroom id (conv.target)", { required: true }),
        content: str("message text (payload.content)"),
        searchableContent: str("searchable text (payload.searchableContent); stored in preference to --content"),
        type: num("payload type (default 1, text)"),
      },
      body: (flags) => ({
        sender: flags.sender,
        conv: { type: 2, target: flags.chatroomId, line: 0 },
        payload: {
          type: flags.type ?? 1,
          ...(flags.searchableContent === undefined ? {} : { searchableContent: flags.searchableContent }),
          ...(flags.content === undefined ? {} : { content: flags.content }),
        },
      }),
      example: "message send --sender alice --chatroom-id lobby --content 'Hello everyone'",
    },
  },
};

const kebab = (name) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

class UsageError extends Error {}

// ── help ──────────────────────────────────────────────────────────────

function toolHelp() {
  const lines = [
    "edgeroom-admin: call the edgeroom admin API (Wildfire-compatible, signed).",
    "",
    "Usage: edgeroom-admin <group> <command> [--flag value ...]",
    "       edgeroom-admin <group> <command> --help",
    "",
    "Commands:",
  ];
  for (const [group, commands] of Object.entries(COMMANDS)) {
    for (const [name, command] of Object.entries(commands)) {
      lines.push(`  ${`${group} ${name}`.padEnd(28)}${command.summary}`);
    }
  }
  lines.push(
    "",
    "Environment:",
    `  ADMIN_URL     server origin (default ${DEFAULT_URL})`,
    "  ADMIN_SECRET  the server's ADMIN_SECRET (required)",
    "",
    "Prints the JSON envelope {code, msg, result}. Exit status: 0 on code 0; 1 on a non-zero code or an",
    "HTTP or network error; 2 on a usage error.",
  );
  return lines.join("\n");
}

function groupHelp(group) {
  const lines = [`Usage: edgeroom-admin ${group} <command> [--flag value ...]`, "", "Commands:"];
  for (const [name, command] of Object.entries(COMMANDS[group])) lines.push(`  ${name.padEnd(20)}${command.summary}`);
  lines.push("", `Run "edgeroom-admin ${group} <command> --help" for its flags.`);
  return lines.join("\n");
}

function commandHelp(group, name) {
  const command = COMMANDS[group][name];
  const lines = [
    `Usage: edgeroom-admin ${group} ${name} [flags]`,
    "",
    `${command.summary}. POST /admin${command.path}`,
    "",
    "Flags:",
  ];
  for (const [field, flag] of Object.entries(command.flags)) {
    const left = `--${kebab(field)} <${flag.kind}>`;
    lines.push(`  ${left.padEnd(32)}${flag.description}${flag.required ? " (required)" : ""}`);
  }
  lines.push(`  ${"--body <json>".padEnd(32)}extra body fields as a JSON object (flags win)`);
  lines.push(`  ${"-h, --help".padEnd(32)}show this help`);
  lines.push("", "Example:", `  edgeroom-admin ${command.example}`);
  return lines.join("\n");
}

// ── parsing ───────────────────────────────────────────────────────────

/** Parses argv into { help } or { group, name, command, body }. */
function parse(argv) {
  const [group, name, ...rest] = argv;
  if (group === undefined) throw new UsageError(`which command?\n\n${toolHelp()}`);
  if (group === "-h" || group === "--help" || group === "help") return { help: toolHelp() };
  if (!Object.hasOwn(COMMANDS, group)) throw new UsageError(`unknown command group "${group}"\n\n${toolHelp()}`);
  if (name === undefined) throw new UsageError(`which ${group} command?\n\n${groupHelp(group)}`);
  if (name === "-h" || name === "--help") return { help: groupHelp(group) };
  if (!Object.hasOwn(COMMANDS[group], name)) {
    throw new UsageError(`unknown command "${group} ${name}"\n\n${groupHelp(group)}`);
  }
  const command = COMMANDS[group][name];
  const options = { help: { type: "boolean", short: "h" }, body: { type: "string" } };
  for (const field of Object.keys(command.flags)) options[kebab(field)] = { type: "string" };
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: false, strict: true });
  } catch (error) {
    throw new UsageError(`${error.message}\n\n${commandHelp(group, name)}`);
  }
  const { values } = parsed;
  if (values.help) return { help: commandHelp(group, name) };
  const flags = {};
  for (const [field, flag] of Object.entries(command.flags)) {
    const raw = values[kebab(field)];
    if (raw === undefined) {
      if (flag.required) throw new UsageError(`missing --${kebab(field)}\n\n${commandHelp(group, name)}`);
      continue;
    }
    if (flag.kind === "number") {
      const value = raw.trim() === "" ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) throw new UsageError(`--${kebab(field)} must be a number, got "${raw}"`);
      flags[field] = value;
    } else flags[field] = raw;
  }
  let extra = {};
  if (values.body !== undefined) {
    try {
      extra = JSON.parse(values.body);
    } catch {
      throw new UsageError("--body must be a JSON object");
    }
    if (typeof extra !== "object" || extra === null || Array.isArray(extra)) {
      throw new UsageError("--body must be a JSON object");
    }
  }
  const body = { ...extra, ...(command.body ? command.body(flags) : flags) };
  return { group, name, command, body };
}

// ── calling ───────────────────────────────────────────────────────────

/** The Wildfire signature: lowercase hex sha1(nonce|secret|timestamp). */
function sign(nonce, secret, timestamp) {
  return createHash("sha1").update(`${nonce}|${secret}|${timestamp}`).digest("hex");
}

async function call(baseUrl, secret, path, body) {
  const nonce = randomUUID();
  const timestamp = String(Date.now());
  const response = await fetch(`${baseUrl.replace(/\/+$/, "")}/admin${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", nonce, timestamp, sign: sign(nonce, secret, timestamp) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let envelope = null;
  try {
    envelope = JSON.parse(text);
  } catch {
    // Not JSON: reported below.
  }
  return { status: response.status, ok: response.ok, envelope, text };
}

async function main(argv) {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
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
  const baseUrl = process.env.ADMIN_URL || DEFAULT_URL;
  let result;
  try {
    result = await call(baseUrl, secret, parsed.command.path, parsed.body);
  } catch (error) {
    console.error(`edgeroom-admin: could not reach ${baseUrl}: ${error.cause?.message ?? error.message}`);
    return 1;
  }
  if (!result.ok || result.envelope === null || typeof result.envelope.code !== "number") {
    console.error(`edgeroom-admin: HTTP ${result.status} from ${baseUrl}/admin${parsed.command.path}`);
    if (result.text) console.error(result.text.slice(0, 2000));
    return 1;
  }
  console.log(JSON.stringify(result.envelope, null, 2));
  if (result.envelope.code !== 0) {
    console.error(`edgeroom-admin: code ${result.envelope.code}: ${result.envelope.msg}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
