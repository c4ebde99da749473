// Types of webhook-receiver.mjs for the TypeScript side (the Workers pool's vitest config).
import type { Server } from "node:http";

export declare const MAX_AGE_MS: number;
export declare function verifySignature(secret: string, timestamp: string, body: string, signature: unknown): boolean;
/** How the receiver answers deliveries for one room. */
export interface ReceiverMode {
  failFirst?: number;
  down?: boolean;
  status?: number;
  delayMs?: number;
}
export interface Receiver {
  url: string;
  origin: string;
  server: Server;
  deliveries(chatroomId: string): unknown[];
  events(chatroomId: string): unknown[];
  control(chatroomId: string, mode: ReceiverMode): void;
  stop(): Promise<void>;
}
export declare function startReceiver(secret: string, options?: { port?: number }): Promise<Receiver>;
