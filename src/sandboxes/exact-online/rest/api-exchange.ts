/** A request to a division endpoint, already split the way the handlers need it. */
export interface ApiRequest {
  method: string;
  params: URLSearchParams;
  /** Raw query parts except `$skiptoken`, kept verbatim in `__next`. */
  queryParts: string[];
  /** Absolute URL of the request without query. */
  requestUrl: string;
  /** `{base}/api/v1/{division}/` */
  divisionUrl: string;
  accept: string | undefined;
  contentType: string | undefined;
  prefer: string | undefined;
  /** The body as text (JSON is parsed by the handler so that bad JSON gets Exact's error). */
  body: string;
}

/** What a handler answers: a JSON body, a plain-text body, or nothing (204). */
export type ApiResponse =
  { status: number; json: unknown } | { status: number; text: string } | { status: number; empty: true };
