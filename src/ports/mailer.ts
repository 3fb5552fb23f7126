/** Outgoing mail. The default adapter writes each message to a dev outbox in DATA_DIR and logs it. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
