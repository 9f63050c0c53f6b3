import TicketStore

/// The built-in answer templates, compiled into the binary so helpdeskd answers with no template files
/// installed. `Samples/templates/<kind>.mustache` holds the same texts, byte for byte (a test keeps them
/// identical): change both together.
enum BuiltInTemplates {
    static let sources: [AnswerKind: String] = [
        .acknowledgement: #"""
        Subject: [{{ticket}}] {{#subject}}Re: {{subject}}{{/subject}}{{^subject}}Your report has been registered{{/subject}}

        Hello,

        Thank you for your report. We have registered it as ticket {{ticket}}.

        {{#critical}}
        We understand that the system cannot be used at the moment, so we are
        treating your report as a critical fault. Our engineers will provide a
        solution within {{solution_period}}{{#due}} — by {{due}}{{/due}}. The solution
        may be a fix, the information you need, or a list of measures with a
        schedule for resolving the problem.
        {{/critical}}
        {{^critical}}
        A support specialist will look at your request within {{consideration_period}},
        weekends excepted{{#due}} — by {{due}}{{/due}}, and will write to you.
        {{/critical}}

        {{#has_read_back}}
        We read these from your message; if any of them is wrong, please reply
        with the right value:
        {{#read_back}}
          - {{what}}: {{value}}
        {{/read_back}}

        {{/has_read_back}}
        If you want to add anything, just reply to this email and keep
        [{{ticket}}] in the subject line, so that your message joins the ticket.

        Kind regards,
        {{helpdesk_name}}

        This message was sent automatically; replies to it reach our support team.

        """#,
        .informationRequest: #"""
        Subject: [{{ticket}}] {{#subject}}Re: {{subject}}{{/subject}}{{^subject}}More information needed for your report{{/subject}}

        Hello,

        Thank you for your report. We have registered it as ticket {{ticket}}.

        Before we can start working on it, we need the following from you:

        {{#missing}}
          - {{prompt}}
        {{/missing}}

        Just reply to this email with these details and keep [{{ticket}}] in the
        subject line.{{#missing_screenshots}} Please attach the screenshot to your reply.{{/missing_screenshots}}
        The ticket is on hold until your reply arrives; we start working on it
        as soon as the information is complete.

        {{#has_read_back}}
        We read these from your message; if any of them is wrong, please reply
        with the right value:
        {{#read_back}}
          - {{what}}: {{value}}
        {{/read_back}}

        {{/has_read_back}}
        Please do not send us any passwords: we never need them to solve a problem.

        Kind regards,
        {{helpdesk_name}}

        This message was sent automatically; replies to it reach our support team.

        """#,
        .resumed: #"""
        Subject: [{{ticket}}] {{#subject}}Re: {{subject}}{{/subject}}{{^subject}}Your report is complete{{/subject}}

        Hello,

        Thank you for the additional information. Your report {{ticket}} is now
        complete, and we have resumed work on it.

        {{#critical}}
        As the system cannot be used at the moment, we are treating your report
        as a critical fault. Our engineers will provide a solution within
        {{solution_period}}{{#due}} — by {{due}}{{/due}}. The solution may be a fix,
        the information you need, or a list of measures with a schedule for
        resolving the problem.
        {{/critical}}
        {{^critical}}
        A support specialist will look at your request within {{consideration_period}},
        weekends excepted{{#due}} — by {{due}}{{/due}}, and will write to you.
        {{/critical}}

        {{#has_read_back}}
        We read these from your message; if any of them is wrong, please reply
        with the right value:
        {{#read_back}}
          - {{what}}: {{value}}
        {{/read_back}}

        {{/has_read_back}}
        If you want to add anything, just reply to this email and keep
        [{{ticket}}] in the subject line.

        Kind regards,
        {{helpdesk_name}}

        This message was sent automatically; replies to it reach our support team.

        """#,
        .passwordReset: #"""
        Subject: [{{ticket}}] {{#subject}}Re: {{subject}}{{/subject}}{{^subject}}How to reset your password{{/subject}}

        Hello,

        Thank you for your message (ticket {{ticket}}). You can choose a new
        password yourself{{#reset_url}} on our password reset page:

          {{reset_url}}

        Follow the instructions on that page.{{/reset_url}}{{^reset_url}}: open the sign-in page of the
        proctoring portal you use, choose "Forgot password?" and enter the email
        address of your account.{{/reset_url}} You will receive an email with a
        link for choosing a new password; for your security, it is only sent to
        the email address stored in your account. If it does not arrive within a
        few minutes, please look in your spam folder.

        If the email still does not arrive, just reply to this email and keep
        [{{ticket}}] in the subject line, and we will help you.

        Please note: the helpdesk will never ask you for your password. Do not
        send it to anyone, including us.

        Kind regards,
        {{helpdesk_name}}

        This message was sent automatically; replies to it reach our support team.

        """#,
        .tooLarge: #"""
        Subject: [{{ticket}}] {{#subject}}Re: {{subject}}{{/subject}}{{^subject}}Your message was too large{{/subject}}

        Hello,

        Thank you for your message. We have registered it as ticket {{ticket}},
        but we could not read it: it is larger than {{size_limit}}, the largest
        message our helpdesk accepts.

        Please send your report again in a smaller message, for example with
        screenshots instead of video recordings, or with fewer or compressed
        attachments. Just reply to this email and keep [{{ticket}}] in the
        subject line, so that your message joins the ticket.

        Kind regards,
        {{helpdesk_name}}

        This message was sent automatically; replies to it reach our support team.

        """#,
        .reply: #"""
        Subject: [{{ticket}}] {{#subject}}Re: {{subject}}{{/subject}}{{^subject}}Your report{{/subject}}

        {{text}}

        Kind regards,
        {{helpdesk_name}}

        To answer, just reply to this email and keep [{{ticket}}] in the subject line.

        """#,
        .resolution: #"""
        Subject: [{{ticket}}] {{#subject}}Resolved: {{subject}}{{/subject}}{{^subject}}Your report is resolved{{/subject}}

        Hello,

        We have resolved your report {{ticket}}. This is a summary of the work we did:

        {{text}}

        If the problem is not solved, or comes back, just reply to this email and keep
        [{{ticket}}] in the subject line: the ticket opens again.

        Kind regards,
        {{helpdesk_name}}

        """#,
    ]
}
