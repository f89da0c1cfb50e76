/** What the import route streams while it commits (app/api/baseline/import/route.ts). */
export type ImportLine = { progress?: { rows: number; bytes: number; totalBytes?: number }; summary?: unknown; error?: string };

export interface PostResult {
  ok: boolean;
  status: number;
  contentType: string;
  text: string;
}

/**
 * Posts the upload form with XMLHttpRequest rather than fetch: only XHR reports upload progress, so
 * the bar moves while a large file is still being sent; the streamed NDJSON lines (the server's
 * progress, then the summary) are handed over as they arrive.
 */
export function postImport(data: FormData, on: { upload: (fraction: number) => void; line: (l: ImportLine) => void }): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    let seen = 0;
    const drain = (final: boolean) => {
      if (xhr.status !== 200) return;
      const text = xhr.responseText;
      const end = final ? text.length : text.lastIndexOf("\n") + 1;
      if (end <= seen) return;
      const chunk = text.slice(seen, end);
      seen = end;
      for (const l of chunk.split("\n").filter(Boolean)) on.line(JSON.parse(l) as ImportLine);
    };
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) on.upload(e.loaded / e.total);
    };
    xhr.onprogress = () => drain(false);
    xhr.onload = () => {
      drain(true);
      resolve({ ok: xhr.status === 200, status: xhr.status, contentType: xhr.getResponseHeader("content-type") ?? "", text: xhr.responseText });
    };
    xhr.onerror = () => reject(new Error("The upload failed: check the connection and try again."));
    xhr.open("POST", "/api/baseline/import");
    xhr.send(data);
  });
}
