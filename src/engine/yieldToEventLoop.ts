// Lets pending events (progress redraws, Ctrl-C, a Stop button) run between chunks of a long
// simulation. Node has setImmediate; a browser gets the same "after pending events, no 4 ms clamp"
// behaviour from a MessageChannel message.

export function yieldToEventLoop(): Promise<void> {
  const scope = globalThis as { setImmediate?: (callback: () => void) => unknown };
  if (typeof scope.setImmediate === 'function') {
    return new Promise((resolve) => scope.setImmediate!(resolve));
  }
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
