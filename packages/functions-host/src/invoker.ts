import { randomUUID } from 'node:crypto';
import type { AppFunction, LoadedApp } from './appLoader';
import type { RpcInvocationResponse, RpcTypedData } from './coreApi';

export interface InvocationRequest {
  /** The trigger's data in RPC shape. */
  trigger: RpcTypedData | undefined;
  triggerMetadata?: Record<string, RpcTypedData>;
  /** Extra input bindings by binding name (e.g. the durable client). */
  extraInputs?: Record<string, RpcTypedData | undefined>;
  retryContext?: { retryCount: number; maxRetryCount: number };
  /** Set by a caller that must name the invocation before it starts (the HTTP streaming proxy request). */
  invocationId?: string;
}

export interface InvocationResult {
  /** What the handler returned, untouched (the durable host needs the library's own objects). */
  result: unknown;
  /** The same result converted to the worker's RPC response, as the host would receive it. */
  response: RpcInvocationResponse;
  durationMs: number;
}

export type ExtraInputProvider = (
  fn: AppFunction,
  bindingName: string,
  bindingType: string,
) => RpcTypedData | undefined;

export type LogSink = (level: string, functionName: string, message: string) => void;

/**
 * Invokes functions through the programming model's own invocation model (getArguments ->
 * invokeFunction -> getResponse), so arguments and results convert exactly as in the Node worker.
 */
export class Invoker {
  /** Shared by all hooks of the app, like the worker's appHookData. */
  readonly appHookData: Record<string, unknown> = {};

  constructor(
    private readonly app: LoadedApp,
    private readonly log: LogSink,
    private readonly extraInputProvider?: ExtraInputProvider,
  ) {}

  function(name: string): AppFunction | undefined {
    return this.app.functions.get(name);
  }

  async invoke(fn: AppFunction, request: InvocationRequest): Promise<InvocationResult> {
    const model = this.app.registrations.programmingModel;
    if (!model) throw new Error('The app registered no programming model.');
    if (fn.error) throw new Error(fn.error);
    const inputData: { name: string; data: RpcTypedData | undefined }[] = [
      { name: fn.triggerName, data: request.trigger },
    ];
    for (const [bindingName, binding] of Object.entries(fn.metadata.bindings)) {
      if (binding.direction !== 'in' || bindingName === fn.triggerName) continue;
      const data =
        request.extraInputs?.[bindingName] ?? this.extraInputProvider?.(fn, bindingName, String(binding.type));
      inputData.push({ name: bindingName, data });
    }
    const invocationId = request.invocationId ?? randomUUID();
    const started = performance.now();
    const invocationModel = model.getInvocationModel({
      invocationId,
      request: { inputData, triggerMetadata: request.triggerMetadata, retryContext: request.retryContext },
      metadata: { name: fn.name, bindings: fn.metadata.bindings, directory: this.app.dir },
      log: (level, category, message) =>
        this.log(level, fn.name, category === 'system' ? `[system] ${message}` : message),
    });
    const { context, inputs } = await invocationModel.getArguments();
    // Hooks may swap the handler or inputs, as in the worker.
    const hook: Record<string, unknown> = {
      invocationContext: context,
      inputs,
      functionCallback: fn.handler,
      hookData: {},
      appHookData: this.appHookData,
    };
    await this.runHooks('preInvocation', hook);
    const result = await invocationModel.invokeFunction(
      context,
      hook.inputs as unknown[],
      hook.functionCallback as typeof fn.handler,
    );
    await this.runHooks('postInvocation', { ...hook, result });
    const response = await invocationModel.getResponse(context, result);
    return { result, response, durationMs: performance.now() - started };
  }

  async runHooks(name: string, context: Record<string, unknown>): Promise<void> {
    for (const hook of this.app.registrations.hooks.get(name) ?? []) await hook(context);
  }
}
