from segdsl.cli import main

main()
