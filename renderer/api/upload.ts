import { api } from './client.ts';

const CHUNK = 1024 * 1024;

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Sends a file to the service in 1 MiB chunks; works over HTTP and Electron IPC alike. */
export async function uploadFile(file: File, onProgress?: (sent: number) => void): Promise<string> {
  const { uploadId } = await api().mutate('imports/begin-upload');
  for (let offset = 0; offset < file.size; offset += CHUNK) {
    const bytes = new Uint8Array(await file.slice(offset, offset + CHUNK).arrayBuffer());
    await api().mutate('imports/append-upload', { uploadId, chunk: toBase64(bytes) });
    onProgress?.(Math.min(file.size, offset + CHUNK));
  }
  return uploadId;
}

/** Offers text as a file download (the error file of an import). */
export function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
