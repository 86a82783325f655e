import Module from 'node:module';

// What the Azure Functions Node worker gives `@azure/functions` under the module name
// `@azure/functions-core`: the app's real `app.*` / `df.app.*` calls land here, exactly as in Azure.

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  stream?: Uint8Array | null;
  http?: RpcHttpData | null;
  int?: number | null;
  double?: number | null;
}

export interface RpcHttpData {
  method?: string | null;
  url?: string | null;
  headers?: Record<string, string> | null;
  body?: RpcTypedData | null;
  params?: Record<string, string> | null;
  query?: Record<string, string> | null;
  statusCode?: string | null;
  cookies?: unknown[] | null;
}

export interface RpcBindingInfo {
  type?: string;
  direction?: 'in' | 'out' | 'inout';
  dataType?: string;
  [key: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;

export interface RpcInvocationResponse {
  invocationId?: string;
  outputData?: { name: string; data: RpcTypedData | null | undefined }[];
  returnValue?: RpcTypedData | null;
}

export interface CoreInvocationContext {
  invocationId: string;
  request: {
    inputData?: { name: string; data: RpcTypedData | undefined }[];
    triggerMetadata?: Record<string, RpcTypedData>;
    retryContext?: unknown;
    traceContext?: unknown;
  };
  metadata: { name: string; bindings: Record<string, RpcBindingInfo>; directory?: string };
  log: (level: string, category: string, message: string) => void;
  state?: string;
}

export interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: FunctionCallback): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreCtx: CoreInvocationContext): InvocationModel;
  /** From @azure/functions 4.3: `HttpUri` is set when the app streams HTTP (app.setup({ enableHttpStream })). */
  getCapabilities?(capabilities: Record<string, string>): Promise<Record<string, string>>;
}

export interface RegisteredFunction {
  metadata: FunctionMetadata;
  handler: FunctionCallback;
}

export type HookCallback = (context: Record<string, unknown>) => unknown;

/** What one app registered while it loaded. */
export class Registrations {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks = new Map<string, HookCallback[]>();
  programmingModel?: ProgrammingModel;
  readonly problems: string[] = [];

  readonly api = {
    registerFunction: (metadata: FunctionMetadata, handler: FunctionCallback) => {
      if (this.functions.has(metadata.name)) {
        this.problems.push(`Function "${metadata.name}" is registered twice.`);
      }
      this.functions.set(metadata.name, { metadata, handler });
      return { dispose: () => this.functions.delete(metadata.name) };
    },
    setProgrammingModel: (model: ProgrammingModel) => {
      this.programmingModel = model;
    },
    getProgrammingModel: () => this.programmingModel,
    registerHook: (hookName: string, callback: HookCallback) => {
      const list = this.hooks.get(hookName) ?? [];
      list.push(callback);
      this.hooks.set(hookName, list);
      return { dispose: () => list.splice(list.indexOf(callback) >>> 0, 1) };
    },
    log: (level: string, category: string, message: string) => {
      if (level === 'error' || level === 'critical') console.error(`[${category}] ${message}`);
    },
  };
}

let installed: Registrations | undefined;

/**
 * Makes `require('@azure/functions-core')` return this host's API. Must run before the app's first
 * `app.*` call: @azure/functions caches a failed lookup and stays in "test mode" for good.
 */
export function installCoreApi(registrations: Registrations): void {
  if (installed) throw new Error('The Functions core API is already installed in this process.');
  installed = registrations;
  const proto = Module.prototype as unknown as { require: (id: string) => unknown };
  const original = proto.require;
  proto.require = function (this: unknown, id: string) {
    if (id === '@azure/functions-core') return registrations.api;
    return original.call(this, id);
  };
}
