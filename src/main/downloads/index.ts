export {
  DownloadCancelled,
  DownloadService,
  type DownloadRequest,
  type DownloadServiceOptions,
} from './download-service.ts';
export { pinnedFetch, type CertificateCheck } from './pinned-fetch.ts';
export { downloadToFile, partPathOf, type FileDownloadOptions, type FileDownloadOutcome } from './file-download.ts';
