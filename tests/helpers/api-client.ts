// A small HTTP client for tests: JSON in and out, one session cookie, multipart uploads.
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface UploadFile {
  name: string;
  data: Uint8Array;
}

export class ApiClient {
  cookie = '';

  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    init: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const type = res.headers.get('content-type') ?? '';
    const body = type.includes('application/json') ? await res.json() : Buffer.from(await res.arrayBuffer());
    return { status: res.status, headers: res.headers, body: body as T };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, { headers });
  }

  post<T = any>(path: string, json?: unknown) {
    return this.request<T>('POST', path, { json: json ?? {} });
  }

  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  upload<T = any>(caseId: string, files: UploadFile[]) {
    const form = new FormData();
    for (const f of files) form.append('files', new Blob([f.data as Uint8Array<ArrayBuffer>]), f.name);
    return this.request<T>('POST', `/api/cases/${caseId}/files`, { body: form });
  }
}
