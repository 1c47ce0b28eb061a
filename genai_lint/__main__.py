from genai_lint.entry import main

main()
