/**
 * Frames under load are handled in batches, one transaction per batch (SPEC §8.6): a burst above
 * FRAMES_BATCH_FROM_PER_SEC must still be answered completely, and its sends stored gaplessly.
 */
import { describe, expect, it } from "vitest";
import { newId } from "../helpers/admin";
import { closedRoom } from "../helpers/api";
import { connect, type Frame } from "../helpers/socket";

describe("frame batches", () => {
  it("answers a burst of 300 frames from ten sockets completely, and stores their sends gaplessly", async () => {
    const host = newId("h");
    const users = Array.from({ length: 10 }, (_, i) => `${host}-u${i}`);
    const id = await closedRoom(host, users);
    const reader = await connect(id, host);
    await reader.next("welcome");
    const sockets = await Promise.all(users.map((user) => connect(id, user)));
    for (const socket of sockets) await socket.next("welcome");
    // 10 sockets × (10 sends + 20 history frames): 300 frames in one burst, far above the batching threshold.
    sockets.forEach((socket, s) => {
      for (let i = 0; i < 30; i++) {
        if (i % 3 === 0 || i >= 15) socket.send({ type: "history", limit: (i % 50) + 1 });
        else socket.send({ type: "send", clientMsgId: `s${s}-${i}`, content: `m${s}-${i}` });
      }
    });
    for (const socket of sockets) {
      const answers: string[] = [];
      while (answers.length < 30) {
        const frame = await socket.next();
        if (frame.type === "history" || frame.type === "ack") answers.push(frame.type);
        if (frame.type === "error") throw new Error(JSON.stringify(frame));
      }
      // Counted, not ordered: the pool's test sockets may deliver one burst's frames out of order (the
      // end-to-end suite checks the order over real sockets).
      expect(answers.filter((type) => type === "ack")).toHaveLength(10);
      expect(answers.filter((type) => type === "history")).toHaveLength(20);
    }
    const seqs: number[] = [];
    while (seqs.length < 100) {
      const frame: Frame = await reader.next("message");
      seqs.push(Number(frame.seq));
    }
    expect(seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});
