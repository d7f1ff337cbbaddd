import type { Platform } from '@platform/testing';

export { startPlatform, type Platform, type PlatformOptions } from '@platform/testing';

/** Stops every service (SIGTERM) and checks that each one shut down cleanly (exit code 0). */
export async function stopCleanly(platform: Platform): Promise<void> {
  const codes = await platform.stop();
  expect(codes.filter(([, code]) => code !== 0)).toEqual([]);
}
