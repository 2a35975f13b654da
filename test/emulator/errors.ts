/** An error answered to the client in the protocol of the service that raised it. */
export class ServiceError extends Error {
  constructor(
    /** The error code / shape name, e.g. `ResourceNotFoundException`. */
    readonly code: string,
    message: string,
    /** HTTP status; IVS errors take it from the model when absent. */
    readonly status?: number,
  ) {
    super(message);
    this.name = code;
  }
}

/** A request the emulator understood but does not serve (HTTP 501). */
export const NOT_IMPLEMENTED = 'EmulatorNotImplementedException';
