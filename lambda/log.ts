// The handler's only log output besides the response wrapper's: one line per AWS call (operation and
// the ARN or name it acts on) and one per retry of a live channel. Never a response body: responses
// carry stream keys, SRT passphrases and private keys.

export function logCall(service: string, operation: string, target: string): void {
  console.log(`${service} ${operation} ${target}`);
}

export function logNote(text: string): void {
  console.log(text);
}
