/// The login form (`/login`): fields `username` and `password`, and the login's own CSRF token.
struct LoginPage {
    var csrf: String
    var next: String
    var problem: String?

    func render() -> HTML {
        let problem: HTML = self.problem.map { "<p class=\"problem\" role=\"alert\">\($0)</p>" } ?? ""
        return """
            <h1>Log in</h1>\(problem)
            <form method="post" action="/login" class="login">
            <input type="hidden" name="csrf" value="\(csrf)"><input type="hidden" name="next" value="\(next)">
            <label for="username">Name</label><input id="username" name="username" autocomplete="username" required autofocus>
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Log in</button></form>
            """
    }
}
