// npm run airtable:publish-script: writes airtable/publier.js, the script of the « Publier »
// automation, from airtable/publier.ts and lib/site/publish.ts. Commit the file it writes.
import { writeFile } from "node:fs/promises";
import { bundlePublishScript, PUBLISH_SCRIPT } from "../lib/airtable/publish-script.ts";

await writeFile(PUBLISH_SCRIPT, await bundlePublishScript(process.cwd()));
console.log(`${PUBLISH_SCRIPT} écrit : collez-le dans l'action « Run a script » de l'automatisation « Publier ».`);
