import logging

from vetmri.logfile import LOG_BACKUPS, start_file_logging


def test_log_is_owner_only_rotates_and_keeps_a_bounded_number_of_files(tmp_path):
    path = tmp_path / "logs" / "vetmri.log"
    handler = start_file_logging(path)
    try:
        handler.maxBytes = 2000  # rotate quickly for the test
        logger = logging.getLogger("vetmri.test")
        for i in range(400):
            logger.info("line %d of a long test log", i)
        handler.flush()
        files = sorted(p.name for p in path.parent.iterdir())
        assert "vetmri.log" in files and "vetmri.log.1" in files
        assert len(files) == LOG_BACKUPS + 1
        for p in path.parent.iterdir():
            assert (p.stat().st_mode & 0o777) == 0o600
        assert "line 399 of a long test log" in path.read_text()
        assert start_file_logging(path) is handler
    finally:
        logging.getLogger("vetmri").removeHandler(handler)
        handler.close()
