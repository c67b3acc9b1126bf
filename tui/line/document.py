"""Writing a document in the line mode: one question at a time, in the template's order and
pathways, each answer saved as soon as it is typed.

    Question 3 of 41, Parenting capacity: basic care (required). Type a number ... :

Enter leaves a question for later; "not known", "not applicable" or "declined" record that status;
"stop" stops (everything answered is already saved). At the end the worker submits the document
to a team leader, or completes it.
"""

from __future__ import annotations

from tui.core.document_editor import DocumentEditor

STOP_WORDS = ("stop", "quit", "exit")


class DocumentWalk:
    def __init__(self, line_app, editor: DocumentEditor):
        self.app = line_app
        self.console = line_app.console
        self.editor = editor

    def run(self) -> None:
        editor = self.editor
        child = editor.document.person_display_name or editor.document.person
        self.console.say(f"Writing the {editor.template.title} for {child}. Each answer is saved "
                         "as you give it. Press Enter to leave a question for later, type not known, not applicable "
                         "or declined if that is the answer, or stop to stop.")
        skipped: set[str] = set()
        while True:
            questions = editor.questions()  # the pathways may have changed with the last answer
            unasked = {q.id for q in editor.unasked()} - skipped
            waiting = [(n, q) for n, q in enumerate(questions, 1) if q.id in unasked]
            if not waiting:
                break
            number, question = waiting[0]
            total = len(questions)
            typed = self.console.ask(f"Question {number} of {total}, {editor.prompt(question)}")
            if typed.strip().lower() in STOP_WORDS:
                self.console.say("Stopped. Everything you answered is saved; type continue to carry on.")
                return
            reading = editor.read(question, typed)
            if reading.problem == "empty":
                skipped.add(question.id)
                continue
            if reading.problem:
                self.console.error(reading.problem)
                continue
            problem = self.app.call(editor.save, question, reading.answer)
            if problem:
                self.console.error(f"{question.label}: {problem}. Nothing was saved for it; try again.")
        left = len(editor.unasked())
        self.console.say(f"That is every question that applies{f', with {left} left for later' if left else ''}. "
                         "Type submit to send it to your team leader, complete to complete it, or continue later.")
