// npm run publish: asks Netlify to rebuild the site from the base, as the « Publier » automation of
// Airtable does (see README, « Publier les modifications de la base »). Requests less than a minute
// apart make one build, which reads the base once the minute is over.
import { ConfigError, readConfig } from "../lib/app/config.ts";
import { publishFromTerminal } from "../lib/app/publish.ts";
import { PublishError } from "../lib/site/publish.ts";

try {
  const { message } = await publishFromTerminal({ config: readConfig() });
  console.log(message);
} catch (error) {
  if (!(error instanceof PublishError || error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
