from cmc_dossier.cli import main

main()
