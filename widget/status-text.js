/**
 * Handoff status in plain words, as the customer should read it.
 *
 * Honest about what happens next and how long it takes (the design brief), and never
 * cheerful about a problem.
 */

/**
 * @param {object} status a `handoff_status` payload: `status` (bot|queued|assigned|
 *   resolved), and optionally `position`, `estimated_wait_s`, `agent_name`,
 *   `agents_online`, `back_at` (outside the business hours, with no one online: "at 9:00 tomorrow"),
 *   `options` (["follow_up", "continue_with_bot"] when no one is online, or the
 *   wait has run long: the follow-up form is offered then).
 * @returns {{tone: string, text: string, offerFollowUp: boolean, askRating: boolean}}
 */
export function describeStatus(status) {
  const name = status.agent_name ? String(status.agent_name) : null;
  switch (status.status) {
    case "queued": {
      if (noOneOnline(status)) {
        const back = status.back_at ? String(status.back_at) : null; // outside the business hours
        return {
          tone: "warning",
          text:
            (back ? `Our team is away right now; we're back ${back}.` : "No one is online right now.") +
            " Leave your e-mail and we'll follow up with you, " +
            "with this conversation attached, or continue with the assistant.",
          offerFollowUp: true,
          askRating: false,
        };
      }
      const parts = [];
      const position = Number(status.position);
      if (position === 1) parts.push("You're next in the queue");
      else if (position > 1) parts.push(`You're number ${position} in the queue`);
      else parts.push("We're connecting you with someone from our team");
      const eta = status.estimated_wait_s > 0 ? Math.ceil(Number(status.estimated_wait_s) / 60) : 0;
      if (eta > 0) parts.push(`about ${eta} minute${eta === 1 ? "" : "s"}`);
      const longWait = offersFollowUp(status);
      return {
        tone: "waiting",
        text:
          `${parts.join(" — ")}. They'll see everything you've told us, so you won't need to repeat yourself.` +
          (longWait ? " If you'd rather not wait, leave your e-mail and we'll follow up, or continue with the assistant." : ""),
        offerFollowUp: longWait,
        askRating: false,
      };
    }
    case "assigned":
      return {
        tone: "live",
        text: `${name || "Someone"} from our team has joined.`,
        offerFollowUp: false,
        askRating: false,
      };
    case "resolved":
      return {
        tone: "done",
        text: name ? `${name} marked this conversation as resolved.` : "This conversation is resolved.",
        offerFollowUp: false,
        askRating: status.csat_requested !== false,
      };
    case "bot":
    default:
      return { tone: "bot", text: "", offerFollowUp: false, askRating: false };
  }
}

function offersFollowUp(status) {
  return Array.isArray(status.options) && status.options.includes("follow_up");
}

function noOneOnline(status) {
  return status.agents_online === 0 || (status.agents_online === undefined && offersFollowUp(status));
}

const CONNECTION = {
  connecting: "Connecting…",
  offline: "Offline — reconnecting. Your messages will be sent when we're back.",
};

/**
 * The header's one line: the connection, and once connected who is here for the customer.
 * It agrees with the banner (`describeStatus`): never a bare "Online" while no one from the
 * team is.
 * @param {"connecting"|"online"|"offline"} connection
 * @param {object} status the latest `handoff_status` (or `{status: "bot"}`)
 */
export function headerText(connection, status) {
  if (connection !== "online") return CONNECTION[connection] || CONNECTION.connecting;
  switch (status.status) {
    case "queued":
      return noOneOnline(status) ? "Assistant available — no one from our team is online" : "Waiting for our team";
    case "assigned":
      return `${status.agent_name ? String(status.agent_name) : "Someone"} from our team is here`;
    default:
      return "Assistant available";
  }
}
