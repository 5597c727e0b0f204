// The ack benchmark's peer: Slack Bolt for JS with its HTTP receiver, verifying each request's signature and
// acknowledging the slash command, nothing else. Started by benchmarks/run.sh with PORT and SLACK_SIGNING_SECRET.
const { App, LogLevel } = require('@slack/bolt');

const app = new App({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  token: 'xoxb-bench',
  // Known bot ids spare Bolt its auth.test call, so it needs nothing from Slack to ack.
  botId: 'B0BENCH',
  botUserId: 'U0BENCHBOT',
  tokenVerificationEnabled: false,
  logLevel: LogLevel.ERROR,
});

app.command('/incident', async ({ ack }) => {
  await ack();
});

app.start({ port: Number(process.env.PORT), host: '127.0.0.1' }).then(() => console.log(`bolt peer listening on ${process.env.PORT}`));
