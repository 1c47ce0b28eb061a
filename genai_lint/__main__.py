from genai_lint.cli import main

main()
