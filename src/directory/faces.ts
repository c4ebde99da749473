/**
 * @module directory/faces
 * The face a user shows to others (SPEC §8.3): their profile, or the open profile they chose for a
 * room — never the real profile behind an open one.
 */

/** What others see of a user. */
export interface Face {
  nickname: string | null;
  imageUrl: string | null;
  openProfile: boolean;
}

/** The faces of users as they show them (own profile when `openProfileId` is null), in one round trip. */
export async function facesOf(
  db: D1Database,
  users: readonly { userId: string; openProfileId: number | null }[],
): Promise<Map<string, Face>> {
  const own = users.filter((user) => user.openProfileId === null).map((user) => user.userId);
  const open = users.flatMap((user) => (user.openProfileId === null ? [] : [user.openProfileId]));
  const [profiles, openProfiles] = await db.batch<Record<string, unknown>>([
    db
      .prepare(
        "SELECT user_id, display_name, name, portrait FROM profiles WHERE user_id IN (SELECT value FROM json_each(?1))",
      )
      .bind(JSON.stringify(own)),
    db
      .prepare(
        "SELECT id, user_id, nickname, image_url FROM open_profiles WHERE id IN (SELECT value FROM json_each(?1))",
      )
      .bind(JSON.stringify(open)),
  ]);
  const byUser = new Map<string, Record<string, unknown>>();
  for (const row of profiles?.results ?? []) byUser.set(String(row.user_id), row);
  const byOpenId = new Map<number, Record<string, unknown>>();
  for (const row of openProfiles?.results ?? []) byOpenId.set(Number(row.id), row);
  const faces = new Map<string, Face>();
  for (const user of users) {
    if (user.openProfileId !== null) {
      const row = byOpenId.get(user.openProfileId);
      // An open profile that is gone still never falls back to the real one.
      faces.set(user.userId, {
        nickname: row ? String(row.nickname) : null,
        imageUrl: row?.image_url == null ? null : String(row.image_url),
        openProfile: true,
      });
    } else {
      const row = byUser.get(user.userId);
      const nickname = row?.display_name ?? row?.name ?? null;
      faces.set(user.userId, {
        nickname: nickname == null ? null : String(nickname),
        imageUrl: row?.portrait == null ? null : String(row.portrait),
        openProfile: false,
      });
    }
  }
  return faces;
}

/**
 * Whether `viewer` may see `target`'s own profile: it is themselves, or they share a room in which the
 * target shows their own face (so nobody learns who is behind an open profile, and strangers see nothing).
 */
export async function mayViewProfile(db: D1Database, viewer: string, target: string): Promise<boolean> {
  if (viewer === target) return true;
  const row = await db
    .prepare(
      `SELECT 1 AS yes FROM user_rooms mine JOIN user_rooms theirs ON theirs.chatroom_id = mine.chatroom_id
       WHERE mine.user_id = ?1 AND theirs.user_id = ?2 AND theirs.open_profile_id IS NULL LIMIT 1`,
    )
    .bind(viewer, target)
    .first<{ yes: number }>();
  return row !== null;
}
