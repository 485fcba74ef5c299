// A Netlify BlobsServer in its own process, as the Blobs service is a separate service in
// production: the benchmark's submit handler then does not share its core with the store.
// Prints the port on stdout, serves until killed.
import { BlobsServer } from "@netlify/blobs/server";

const [directory, token] = process.argv.slice(2);
if (!directory || !token) throw new Error("usage: blobs-server.ts <directory> <token>");
const { port } = await new BlobsServer({ directory, token }).start();
console.log(port);
