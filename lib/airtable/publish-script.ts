// Bundles the « Publier » automation script (airtable/publier.ts and the rule it imports) into the
// one file the intrapreneur pastes into Airtable. Run by `npm run airtable:publish-script`; the
// tests bundle it again and compare with the committed airtable/publier.js.
import { build } from "esbuild";

export const PUBLISH_SCRIPT_SOURCE = "airtable/publier.ts";
export const PUBLISH_SCRIPT = "airtable/publier.js";

const BANNER = `// Script de l'automatisation « Publier » (action « Run a script » d'Airtable) : voir le README,
// « Publier les modifications de la base ». Collez ce fichier tel quel. Il est produit par
// \`npm run airtable:publish-script\` à partir de ${PUBLISH_SCRIPT_SOURCE} : ne le modifiez pas ici.`;

/** The script's text; `root` is the kit's folder (paths in the bundle's comments are relative to it). */
export async function bundlePublishScript(root: string): Promise<string> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [PUBLISH_SCRIPT_SOURCE],
    bundle: true,
    // Airtable runs the script as the body of an async function: no module system, no Node, and
    // nothing of this machine (esbuild stops on a Node import with platform "neutral").
    platform: "neutral",
    format: "esm",
    target: "es2022",
    charset: "utf8",
    legalComments: "none",
    banner: { js: BANNER },
    write: false,
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error("esbuild produced no file");
  return file.text;
}
