from segdsl.cli.app import main

main()
