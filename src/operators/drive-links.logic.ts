/** Drive file ids in a URL: Docs, Sheets, Slides, Forms and Drive file links. */
const DRIVE_ID = /(?:docs\.google\.com\/(?:document|spreadsheets|presentation|forms)\/d\/|drive\.google\.com\/(?:file\/d\/|open\?id=))([\w-]{10,})/g;

/** The Drive file ids a text links to, in order. */
export function driveIdsIn(text: string): string[] {
  return [...text.matchAll(DRIVE_ID)].map((m) => m[1]!);
}
