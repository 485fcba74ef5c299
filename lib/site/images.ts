// Images of the base are copied into the site at build time: Airtable's attachment URLs expire
// after about two hours, and a page must not depend on a third-party host anyway.
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import EleventyFetch from "@11ty/eleventy-fetch";
import type { Image, Model } from "../base/model.ts";

const TYPES: Record<string, string> = { ".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".gif": ".gif", ".webp": ".webp", ".svg": ".svg", ".avif": ".avif" };

export class ImageError extends Error {
  override name = "ImageError";
}

function extensionOf(image: Image): string {
  const ext = TYPES[extname(image.filename ?? new URL(image.url, "file:///").pathname).toLowerCase()];
  if (!ext) throw new ImageError(`« ${image.filename ?? image.url} » n'est pas une image (formats acceptés : ${Object.keys(TYPES).join(", ")})`);
  return ext;
}

async function bytesOf(image: Image, dataDir: string, cacheDir: string): Promise<Buffer> {
  if (/^https?:\/\//.test(image.url)) {
    // Cached by eleventy-fetch, so a rebuild does not download it again.
    return EleventyFetch(image.url, { duration: "1d", type: "buffer", directory: cacheDir });
  }
  const path = resolve(dataDir, image.url);
  if (!path.startsWith(resolve(dataDir) + sep)) throw new ImageError(`« ${image.url} » sort du dossier ${dataDir}`);
  return readFile(path);
}

/** Copies every service's image to <output>/images/<hash>.<ext> and records where (image.src). */
/** `cacheDir`: where downloads are kept between builds (KIT_CACHE_DIR). */
export async function localiseImages(model: Model, outputDir: string, cacheDir: string, dataDir = "data"): Promise<void> {
  const dir = join(outputDir, "images");
  await mkdir(dir, { recursive: true });
  for (const service of model.services) {
    const image = service.image;
    if (!image) continue;
    try {
      const ext = extensionOf(image);
      const bytes = await bytesOf(image, dataDir, cacheDir);
      const name = `${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}${ext}`;
      await writeFile(join(dir, name), bytes);
      image.src = `/images/${name}`;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ImageError(`Table « Services », enregistrement ${service.id} (« ${service.slug} »), champ « Image » : ${reason}`);
    }
  }
}

