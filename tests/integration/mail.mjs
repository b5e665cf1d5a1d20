// A real SMTP server (the npm package smtp-server) on loopback for the mail tests: it keeps every
// mail it receives, parsed by mailparser, and lets a test wait for the next one to an address.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

export async function startMailbox() {
  const received = [];  // { to, from, mail }
  const waiters = [];   // { to, resolve }
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then((mail) => {
        for (const rcpt of session.envelope.rcptTo) {
          const entry = { to: rcpt.address, from: session.envelope.mailFrom.address, mail };
          received.push(entry);
          const index = waiters.findIndex((w) => w.to === rcpt.address);
          if (index >= 0) waiters.splice(index, 1)[0].resolve(entry);
        }
        callback();
      }, callback);
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address();
  const handedOut = new Map();  // address -> how many of its mails next() has returned
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    // The next mail to `to` not handed out before; rejects after `timeoutMs`.
    next(to, timeoutMs = 10_000) {
      const seen = handedOut.get(to) || 0;
      const already = received.filter((m) => m.to === to);
      handedOut.set(to, seen + 1);
      if (already.length > seen) return Promise.resolve(already[seen]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no mail to ${to} within ${timeoutMs} ms`)),
                                 timeoutMs);
        waiters.push({ to, resolve: (m) => { clearTimeout(timer); resolve(m); } });
      });
    },
    count(to) { return received.filter((m) => m.to === to).length; },
    close() { return new Promise((resolve) => server.close(resolve)); },
  };
}

// The token in a mailed link ("...?token=XYZ").
export function tokenIn(mail) {
  const match = /\?token=([A-Za-z0-9_-]+)/.exec(mail.mail.text);
  if (!match) throw new Error('no token in mail: ' + mail.mail.text);
  return match[1];
}
