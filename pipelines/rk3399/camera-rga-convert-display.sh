#!/bin/sh
# RK3399: the ISP's NV12 converted to XRGB8888 by the RGA (dmabridgev4l2convert) for the
# VOP. The RGA has no IOMMU and addresses 32 bits: its output queue's constraints reach the
# camera's plan through the allocation query, so the ISP captures into linux,cma below
# 4 GiB, which the RGA reads as it is; its capture queue writes into buffers planned for
# the VOP. 0 copies.
# plan: --producer rkisp1 --consumer rockchip-rga --format NV12 --size 1920x1080
exec gst-launch-1.0 -m dmabridgev4l2src device-name=rkisp1 "${@:-num-buffers=300}" \
	! 'video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=NV12,width=1920,height=1080;video/x-raw(memory:DMABuf),format=NV12,width=1920,height=1080' \
	! dmabridgev4l2convert device-name=rockchip-rga ! 'video/x-raw,format=BGRx' \
	! dmabridgekmssink driver-name=rockchip
