import { describe, expect, it } from "vitest";
import { MENTIONS_MAX, mentionsIn } from "../../src/app/room/mentions";

describe("mentions", () => {
  const members = new Set(["bob", "carol.k", "dan"]);

  it("finds @userId of known members, in order, once each", () => {
    expect(mentionsIn("@bob and @carol.k, see @bob again. @eve?", members)).toEqual(["bob", "carol.k"]);
    expect(mentionsIn("thanks @dan.", members)).toEqual(["dan"]);
  });

  it("ignores e-mail addresses and text without @", () => {
    expect(mentionsIn("mail bob@dan.example or dan", members)).toEqual([]);
  });

  it("stops at MENTIONS_MAX", () => {
    const many = new Set(Array.from({ length: 30 }, (_, i) => `u${i}`));
    const text = [...many].map((id) => `@${id}`).join(" ");
    expect(mentionsIn(text, many)).toHaveLength(MENTIONS_MAX);
  });
});
