// Jest globalSetup of the event-store int run when EVENTSTOREDB_URL is not set (see jest.config.cjs).
module.exports = async function reportEventStoreDbSuiteNotRun() {
  console.log(
    '\nEventStoreDB contract suite: NOT RUN (EVENTSTOREDB_URL is not set; 0 tests registered, none counted as passed)',
  );
};
