// KNOWN INTERMITTENT FAILURE (docs/STATUS.md): on a freshly initialised CI cluster an unfiltered
// `readAll` from a checkpoint has returned nothing once per run; it has never reproduced on a warm
// machine or in isolation. Until it is understood, the PostgreSQL integration specs retry a failing
// test twice and print the failure first (logErrorsBeforeRetry), so it stays visible in CI output.
jest.retryTimes(2, { logErrorsBeforeRetry: true });
