// The API reports of holdfast's four entry points (etc/api/*.api.md), made by API Extractor from
// the built .d.ts files (run `npm run build` first). `--local` rewrites the reports; without it
// (inside `npm test`) a surface that differs from its committed report fails, so every change to
// the public surface is a reviewed diff.
import {
  Extractor,
  ExtractorConfig,
  ExtractorLogLevel,
  ExtractorMessageCategory,
  type ExtractorMessage,
} from '@microsoft/api-extractor';

const entryPoints = ['holdfast', 'mysql2', 'ioredis', 'testing'] as const;
const local = process.argv.includes('--local');

let failed = false;
for (const entry of entryPoints) {
  const config = ExtractorConfig.loadFileAndPrepare(`etc/api-extractor/${entry}.json`);
  const result = Extractor.invoke(config, {
    localBuild: local,
    messageCallback: (message: ExtractorMessage) => {
      // The findings that matter are written into the report itself; keep the output short.
      const reportChanged =
        message.category === ExtractorMessageCategory.Extractor &&
        message.messageId === 'console-api-report-changed';
      if (!reportChanged) message.handled = message.logLevel !== ExtractorLogLevel.Error;
    },
  });
  if (result.succeeded) {
    console.log(`api: ${entry} ${result.apiReportChanged ? 'report updated' : 'unchanged'}`);
  } else {
    failed = true;
    console.error(
      `api: the public surface of ${entry === 'holdfast' ? 'holdfast' : `holdfast/${entry}`} differs from etc/api/${entry}.api.md. If the change is intended, run \`npm run api\` and commit the report.`,
    );
  }
}
process.exitCode = failed ? 1 : 0;
